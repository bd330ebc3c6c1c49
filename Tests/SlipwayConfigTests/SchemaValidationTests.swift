import Foundation
import SlipwayConfig
import SlipwayModel
import SlipwayTestSupport
import Testing

/// The JSON Schema checked with a real validator (python3-jsonschema, Draft202012Validator): every
/// whole slipway.yml in the README and docs/ is valid by it, and every file of the type-error corpus
/// is refused by the decoder and by it alike.
@Suite struct SchemaValidationTests {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repository = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
    static let python = "/usr/bin/python3"

    static var typeErrorFiles: [String] {
        let directory = testsDirectory.appendingPathComponent("Fixtures/type-errors").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".yml") }.sorted().map { directory + "/" + $0 }
    }

    /// scripts/test.sh installs it (scripts/setup.sh python3-jsonschema); under CI a missing one fails.
    static let validatorInstalled: Bool = {
        guard FileManager.default.isExecutableFile(atPath: python),
              let result = try? ChildProgram.run(python, ["-c", "import jsonschema, yaml"]) else { return false }
        return result.status == 0
    }()

    static var isCI: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }

    @Test func corpusHoldsEnoughTypeErrors() {
        #expect(Self.typeErrorFiles.count >= 20)
    }

    @Test(arguments: typeErrorFiles)
    func decoderRefusesEveryTypeError(_ path: String) throws {
        let yaml = try String(contentsOfFile: path, encoding: .utf8)
        #expect(throws: ConfigIssues.self, "\((path as NSString).lastPathComponent)") {
            try ConfigLoader.parse(yaml: yaml, file: "slipway.yml")
        }
    }

    @Test(.enabled(if: validatorInstalled || isCI, "python3-jsonschema is not installed (scripts/setup.sh python3-jsonschema)"))
    func validatorAcceptsTheDocsAndRefusesTheCorpus() throws {
        try #require(Self.validatorInstalled, "CI is set but python3-jsonschema is not installed: scripts/test.sh installs it")
        let directory = try TemporaryDirectory(prefix: "slipway-schema")
        defer { directory.remove() }
        let schema = try directory.write("slipway.schema.json", JSONSchemaWriter.text())
        let script = Self.testsDirectory.appendingPathComponent("Support/validate_schema.py").path
        let documents = ["README.md"] + ((try? FileManager.default.contentsOfDirectory(atPath: Self.repository.path + "/docs")) ?? [])
            .filter { $0.hasSuffix(".md") && $0 != "CONFIG.md" }.sorted().map { "docs/" + $0 }

        let docs = try ChildProgram.run(Self.python, [script, schema, "docs"] + documents, in: Self.repository.path)
        #expect(docs.status == 0, "a slipway.yml of the docs is invalid by the schema:\n\(docs.stdout)\(docs.stderr)")
        #expect(docs.stdout.contains("valid README.md:"), "\(docs.stdout)")

        let corpus = try ChildProgram.run(Self.python, [script, schema, "invalid"] + Self.typeErrorFiles)
        #expect(corpus.status == 0, "the schema accepts a file the decoder refuses:\n\(corpus.stdout)\(corpus.stderr)")
        #expect(corpus.stdout.contains("checked \(Self.typeErrorFiles.count)"), "\(corpus.stdout)")
    }
}
