import ArgumentParser
import SlipwayConfig

/// `slipway schema`: the JSON Schema of slipway.yml for editors, or docs/CONFIG.md with
/// `--markdown`. Both come from the table the decoder reads its keys from (`ConfigSchema`), so
/// neither needs a daemon or a file.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema", abstract: "Print the JSON Schema of slipway.yml (for editors).",
        discussion: """
            Save it with `slipway schema > slipway.schema.json` and put this line first in slipway.yml (or name the file in the editor's yaml.schemas setting):

              # yaml-language-server: $schema=./slipway.schema.json

            --markdown prints docs/CONFIG.md: the same keys, as a reference.
            """)

    @Flag(name: .long, help: "Print the reference of every key as Markdown (docs/CONFIG.md) instead.")
    var markdown = false

    func run() throws {
        print(markdown ? ConfigReference.markdown() : JSONSchemaWriter.text(), terminator: "")
    }
}
