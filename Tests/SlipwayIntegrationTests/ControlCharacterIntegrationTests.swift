import Foundation
import SlipwayModel
import Testing

/// Text a user controls (an actor's name, a message, a ref) never reaches the terminal with its control
/// characters raw: a newline cannot forge a row of `history` or `audit`, an escape sequence cannot clear
/// the screen (issue 13). `--json` stays the exact text.
@Suite(.serialized) struct ControlCharacterIntegrationTests {
    static let actor = "eve\nd-forged  2099-01-01 00:00:00  web  deploy  v9  succeeded  0  0.01s  admin\u{1b}[2J"
    static let shown = #"eve\nd-forged  2099-01-01 00:00:00  web  deploy  v9  succeeded  0  0.01s  admin\u{1b}[2J"#

    @Test func forgedActorIsShownEscapedOnOneLine() async throws {
        try await withDaemonOverV1 { repository, daemon in
            let cli = CLI(repository: repository, actor: Self.actor)
            let deployed = try await cli.json(Deployment.self, "deploy", "web", "--ref", "v1")
            #expect(deployed.actor == Self.actor)

            for verb in [["history"], ["audit"], ["show", deployed.id]] {
                let result = try await runProgram(Binaries.slipway, verb + ["--config", repository.configFile], in: repository.root)
                #expect(result.status == 0, "\(verb): \(result.stderr)")
                #expect(!result.stdout.unicodeScalars.contains("\u{1b}"), "\(verb) printed an escape character")
                #expect(!result.stdout.split(separator: "\n").contains { $0.hasPrefix("d-forged") }, "\(verb): \(result.stdout)")
                let row = result.stdout.split(separator: "\n").first { $0.contains(Self.shown) }
                #expect(row != nil, "\(verb): \(result.stdout)")
                if verb != ["show", deployed.id] { #expect(row?.contains("web") == true) }
            }
            // JSON is the text itself.
            let history = try await cli.json([Deployment].self, "history")
            #expect(history.first?.actor == Self.actor)
            let audit = try await cli.json([AuditEntry].self, "audit")
            #expect(audit.contains { $0.actor == Self.actor })
        }
    }
}
