import Logging
import SlipwayCore
import SlipwayModel
import Synchronization
import Testing

@Suite struct RedactingLogHandlerTests {
    /// Keeps what reaches it, as a terminal or a file would.
    final class Captured: Sendable {
        let lines = Mutex<[String]>([])
    }

    struct CapturingHandler: LogHandler {
        let captured: Captured
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
                 function: String, line: UInt) {
            let fields = (metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            captured.lines.withLock { $0.append("\(message) \(fields)") }
        }
    }

    @Test func theDaemonsOwnLogNeverCarriesASecret() {
        let captured = Captured()
        let canary = "canary-7f3e9a"
        let logger = Logger(label: "test") { _ in
            RedactingLogHandler(CapturingHandler(captured: captured), redactor: Redactor(secrets: [canary]))
        }
        logger.error("request to https://hooks.example/\(canary) failed", metadata: [
            "url": "https://hooks.example/\(canary)",
            "error": .stringConvertible(SlipwayError(.internalError, "token \(canary) refused")),
            "attempts": .array(["1: \(canary)"]),
            "nested": .dictionary(["key": "\(canary)"]),
        ])
        let lines = captured.lines.withLock { $0 }
        #expect(lines.count == 1)
        #expect(!lines[0].contains(canary))
        #expect(lines[0].contains("https://hooks.example/******"))
        #expect(lines[0].contains("token ****** refused"))
    }
}
