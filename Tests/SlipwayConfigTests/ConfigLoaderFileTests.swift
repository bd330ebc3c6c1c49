import Foundation
import SlipwayConfig
import SlipwayModel
import SlipwayTestSupport
import Testing

/// `ConfigLoader.load(path:)` on real files.
@Suite struct ConfigLoaderFileTests {
    @Test func loadedConfigRemembersTheAbsolutePath() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("slipway.yml", minimalServices)
        let config = try ConfigLoader.load(path: file, environment: [:])
        #expect(config.file == file)
        #expect(config.rootDirectory == directory.path)
        #expect(config.services.map(\.name) == ["web"])
    }

    @Test func relativePathStaysRelativeInErrorsButNotInTheConfig() throws {
        let directory = try TemporaryDirectory()
        try directory.write("slipway.yml", "services:\n  web:\n    run: [python3]\n")
        let relative = relativePath(to: directory.path + "/slipway.yml")
        #expect(!relative.hasPrefix("/"))
        let error = try #require(throws: ConfigIssues.self) { try ConfigLoader.load(path: relative, environment: [:]) }
        #expect(error.description == #"\#(relative):3:5: services.web.run: expected a command like "python3 app.py", got a list"#)
        #expect(error.issues.first?.context.file == relative)

        try directory.write("slipway.yml", minimalServices)
        #expect(try ConfigLoader.load(path: relative, environment: [:]).file == directory.path + "/slipway.yml")
    }

    @Test func environmentFeedsVariables() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("slipway.yml", minimalServices + """
        databases:
          hr: { url: "sqlite:${HR_DB}", migrations: m }
        """)
        let config = try ConfigLoader.load(path: file, environment: ["HR_DB": "data/hr.db"])
        #expect(config.databases.first?.url == "sqlite:data/hr.db")
    }

    @Test func missingFileIsConfigNotFound() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.path + "/slipway.yml"
        let error = try #require(throws: SlipwayError.self) { try ConfigLoader.load(path: missing, environment: [:]) }
        #expect(error.code == .configNotFound)
        #expect(error.description == "\(missing): no such file")
    }

    @Test func directoryIsNotAConfigFile() throws {
        let directory = try TemporaryDirectory()
        let error = try #require(throws: SlipwayError.self) {
            try ConfigLoader.load(path: directory.path, environment: [:])
        }
        #expect(error.code == .configInvalid)
        #expect(error.description == "\(directory.path): is a directory, not a file")
    }

    @Test func binaryFileIsRefused() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("slipway.yml", Data([0x73, 0x65, 0xFF, 0xFE, 0x0A]))
        let error = try #require(throws: ConfigIssues.self) { try ConfigLoader.load(path: file, environment: [:]) }
        #expect(error.description == "\(file): not UTF-8 text")
    }

    /// `target` written relative to the current directory, without changing it (tests run in parallel).
    private func relativePath(to target: String) -> String {
        let here = FileManager.default.currentDirectoryPath.split(separator: "/")
        return String(repeating: "../", count: here.count) + target.dropFirst()
    }
}
