import Foundation
import SlipwayTestSupport
import Testing

/// What a newcomer runs first, through the real binary: `--version`, `init` in a fresh repository
/// and its refusal to overwrite, and `check --json` where there is no file yet.
@Suite struct FirstHourIntegrationTests {
    @Test func versionNamesTheVersionAndTheCommit() async throws {
        let result = try await runProgram(Binaries.slipway, ["--version"])
        #expect(result.status == 0)
        let line = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.range(of: #"^\d+\.\d+\.\d+ \(commit ([0-9a-f]{12}(\+changes)?|unknown)\)$"#, options: .regularExpression) != nil, "\(line)")
    }

    @Test func initWritesAFileThatChecksAndPrintsWhatToRunNext() async throws {
        let directory = try TemporaryDirectory(prefix: "slipway-init")
        try directory.write("package.json", #"{ "scripts": { "start": "node server.js" } }"#)
        try directory.write("server.js", "app.get('/health', ok); process.env.SESSION_SECRET\n")
        let first = try await runProgram(Binaries.slipway, ["init"], in: directory.path)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("health check: GET /health (found \"/health\" in server.js)"), "\(first.stdout)")
        #expect(first.stdout.contains("slipway deploy web --ref HEAD"))
        #expect(first.stdout.contains("fill in SESSION_SECRET"))
        let written = try String(contentsOfFile: directory.path("slipway.yml"), encoding: .utf8)
        #expect(written.hasPrefix("# yaml-language-server: $schema=./slipway.schema.json\n"))
        let schema = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory.path("slipway.schema.json"))))
        #expect((schema as? [String: Any])?["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        let check = try await runProgram(Binaries.slipway, ["check"], in: directory.path)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")

        let again = try await runProgram(Binaries.slipway, ["init"], in: directory.path)
        #expect(again.status == 6 && again.stderr.contains("--force"), "\(again.stderr)")
        let empty = try TemporaryDirectory(prefix: "slipway-init")
        let nothing = try await runProgram(Binaries.slipway, ["init"], in: empty.path)
        #expect(nothing.status == 6 && nothing.stderr.contains("slipway init --run"), "\(nothing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: empty.path("slipway.yml")))
    }

    @Test func checkJSONAnswersJSONWithNoFile() async throws {
        let empty = try TemporaryDirectory(prefix: "slipway-check")
        let result = try await runProgram(Binaries.slipway, ["check", "--json"], in: empty.path)
        #expect(result.status == 8)
        let answer = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(answer?["valid"] as? Bool == false)
        #expect((answer?["issues"] as? [String])?.first?.contains("no slipway.yml") == true, "\(result.stdout)")
    }
}
