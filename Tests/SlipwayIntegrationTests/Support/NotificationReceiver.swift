import Foundation
import SlipwayTestSupport

/// `Support/receiver.py` on a loopback port: a stand-in for Slack and webhook endpoints (third-party
/// servers that cannot run here) that answers 200 to every POST and keeps what it got.
final class NotificationReceiver: Sendable {
    struct Received: Decodable {
        var path: String
        var headers: [String: String]
        var body: String
        var raw: Data { Data(base64Encoded: body) ?? Data() }
    }

    let port: String
    private let process: ChildProgram
    private let log: String

    init() async throws {
        log = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-received-\(UUID().uuidString).jsonl").path
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("receiver.py").path
        // Not the test's own stderr: a receiver left behind must never hold the runner's output open.
        let process = try ChildProgram("python3", [script, log], stderr: .discard)
        self.process = process
        port = try await Task.detached {
            String(decoding: process.stdout?.availableData ?? Data(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }.value
    }

    /// Every request received so far, in order.
    func received() throws -> [Received] {
        guard FileManager.default.fileExists(atPath: log) else { return [] }
        return try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(Received.self, from: Data($0.utf8)) }
    }

    func stop() {
        // SIGKILL: the test process may ignore SIGTERM, and its children inherit that.
        process.signal(SIGKILL)
        _ = process.waitForExit()
        try? FileManager.default.removeItem(atPath: log)
    }
}
