import ArgumentParser
import Foundation
import SlipwayModel

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Show Slipway's main job end to end on a throwaway repository, under load.",
        discussion: """
            Creates a git repository holding the bundled example service (slipway-example, built beside slipway), \
            starts the daemon in-process, keeps steady HTTP load on the proxy, deploys v1, v2, a v3 whose health \
            check fails (it stays on v2), then rolls back to v1, and prints each step with the requests served and \
            failed during it. Leaves nothing running. Exit 0 when every step ended as expected with no failed request.
            """)

    @Option(name: .long, help: "Path to the slipway-example binary (default: next to this executable).")
    var example: String?

    func run() async throws {
        try await withDocumentedExit {
            let binary = try example ?? Self.locateExample()
            let steps = try await DemoRunner(exampleBinary: binary, output: { print($0); fflush(nil) }).run()
            let rows = steps.map { step -> [String] in
                [step.name, step.result, "\(step.expected.rawValue)", "\(step.exit.rawValue)", Terminal.seconds(step.seconds),
                 step.load.map { "\($0.served)" } ?? "-", step.load.map { "\($0.failed)" } ?? "-",
                 step.load.map { $0.versions.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: " ") } ?? "-",
                 step.serving]
            }
            print("\n" + Terminal.table(["STEP", "RESULT", "EXPECTED EXIT", "EXIT", "DURATION", "SERVED", "FAILED", "SERVED BY", "THEN SERVING"], rows))
            let failed = steps.reduce(0) { $0 + ($1.load?.failed ?? 0) }
            let unexpected = steps.filter { $0.exit != $0.expected }
            for step in steps {
                for (kind, count) in step.load?.failures ?? [:] { print("  \(step.name): \(count) × \(kind)") }
            }
            print("\n\(failed) failed request(s); \(unexpected.isEmpty ? "every step ended as expected" : "unexpected: \(unexpected.map(\.name).joined(separator: ", "))")")
            return failed == 0 && unexpected.isEmpty ? .success : .deployFailed
        }
    }

    static func locateExample() throws -> String {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let candidates = [
            ProcessInfo.processInfo.environment["SLIPWAY_EXAMPLE"],
            executable.deletingLastPathComponent().appendingPathComponent("slipway-example").path,
        ].compactMap { $0 }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw SlipwayError(.internalError, "cannot find the slipway-example binary (looked at \(candidates.joined(separator: ", "))); "
                + "build it with `swift build` or pass --example PATH")
        }
        return found
    }
}
