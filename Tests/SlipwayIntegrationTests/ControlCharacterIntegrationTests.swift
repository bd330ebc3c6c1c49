import Foundation
import SlipwayModel
import Testing

/// Text a user controls (a ref, a message) never reaches the terminal with its control characters
/// raw: a newline cannot forge a row of `audit`, an escape sequence cannot clear the screen (issue
/// 13). `--json` stays the exact text. The actor is no longer such a text: the daemon establishes
/// it (issue 14), whatever a body says.
@Suite(.serialized) struct ControlCharacterIntegrationTests {
    static let forged = "v9\nd-forged  2099-01-01 00:00:00  admin  deploy.succeeded  web\u{1b}[2J"
    static let shown = #"v9\nd-forged  2099-01-01 00:00:00  admin  deploy.succeeded  web\u{1b}[2J"#

    @Test func forgedRefIsShownEscapedOnOneLine() async throws {
        try await withDaemonOverV1 { repository, daemon in
            let cli = CLI(repository: repository)
            let deployed = try await cli.json(Deployment.self, "deploy", "web", "--ref", Self.forged)
            #expect(deployed.ref == Self.forged)
            #expect(deployed.outcome == .failed)

            for verb in [["audit"], ["show", deployed.id]] {
                let result = try await runProgram(Binaries.slipway, verb + ["--config", repository.configFile], in: repository.root)
                #expect(result.status == 0, "\(verb): \(result.stderr)")
                #expect(!result.stdout.unicodeScalars.contains("\u{1b}"), "\(verb) printed an escape character")
                #expect(!result.stdout.split(separator: "\n").contains { $0.hasPrefix("d-forged") }, "\(verb): \(result.stdout)")
                let row = result.stdout.split(separator: "\n").first { $0.contains(Self.shown) }
                #expect(row != nil, "\(verb): \(result.stdout)")
            }
            // JSON is the text itself.
            let history = try await cli.json([Deployment].self, "history")
            #expect(history.first?.ref == Self.forged)
            let audit = try await cli.json([AuditEntry].self, "audit")
            #expect(audit.contains { $0.detail.contains(Self.forged) })
        }
    }

    /// The unix socket's caller is the peer's OS user (SO_PEERCRED): an `actor` in the body, which older
    /// clients send, is accepted and ignored, in the record and in the audit trail.
    @Test func actorInTheBodyIsIgnoredForThePeersUser() async throws {
        try await withDaemonOverV1 { repository, daemon in
            let answer = try await DaemonSocket(repository).post("/v1/deployments", #"{"service": "web", "ref": "v1", "actor": "mallory"}"#)
            #expect(answer.status == 200, "\(answer.body)")
            let finished = try #require(try answer.events().last?.deployment, "\(answer.body)")
            #expect(finished.outcome == .succeeded)
            #expect(finished.actor == currentUserName)
            let audit = try await CLI(repository: repository).json([AuditEntry].self, "audit")
            #expect(audit.contains { $0.action == .deployStarted && $0.actor == currentUserName })
            #expect(!audit.contains { $0.actor == "mallory" })
        }
    }
}
