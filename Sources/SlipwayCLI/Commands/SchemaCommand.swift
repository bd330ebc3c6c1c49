import ArgumentParser
import SlipwayConfig

/// `slipway schema`: the JSON Schema of slipway.yml for editors, or docs/CONFIG.md with
/// `--markdown`. Both come from the table the decoder reads its keys from (`ConfigSchema`), so
/// neither needs a daemon or a file.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema", abstract: "Print the JSON Schema of slipway.yml (for editors).",
        discussion: """
            Save it (slipway schema > slipway.schema.json) and point the YAML language server at it with
              # yaml-language-server: $schema=./slipway.schema.json
            on the first line of slipway.yml, or in the editor's yaml.schemas setting. --markdown prints
            docs/CONFIG.md, the same keys as a reference.
            """)

    @Flag(name: .long, help: "Print the reference of every key as Markdown (docs/CONFIG.md) instead.")
    var markdown = false

    func run() throws {
        print(markdown ? ConfigReference.markdown() : JSONSchemaWriter.text(), terminator: "")
    }
}
