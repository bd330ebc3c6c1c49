import ArgumentParser
import SlipwayModel

struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "One deployment's record: releases, stages with their times and outcomes.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "A deployment id.") var deployment: String

    func run() async throws {
        try await withDocumentedExit {
            let record = try await DaemonClient(options: global).get(Deployment.self, "/v1/deployments/\(deployment)")
            if global.json {
                try Terminal.printJSON(record)
                return .success
            }
            // Each field on its line, control characters shown: no value can forge a field of its own.
            let field = TerminalText.line
            let message = record.message.map { TerminalText.lines($0).replacingOccurrences(of: "\n", with: "\n            ") }
            let notified = record.notifications.map { "\($0.channel) \($0.event.rawValue): \($0.delivered ? "delivered" : "failed")" }
            print("""
                deployment  \(field(record.id)) (\(record.kind.rawValue))
                service     \(field(record.key.description))
                by          \(field(record.actor))
                ref         \(field(record.ref ?? "-"))
                version     \(field(record.version ?? "-"))  commit \(field(record.commit ?? "-"))
                from        \(field(record.fromRelease ?? "-"))
                to          \(field(record.toRelease ?? "-"))
                started     \(Terminal.time(record.startedAt))  duration \(Terminal.seconds(record.durationSeconds))
                outcome     \(record.outcome.rawValue) (exit \(record.exitCode.map(\.description) ?? "-"))
                message     \(message ?? "-")
                trigger     \(record.trigger?.rawValue ?? "-")
                image       \(field(record.image ?? "-"))
                backup      \(field(record.backup ?? "-"))
                migrations  \(record.migrations.isEmpty ? "-" : field(record.migrations.joined(separator: ", ")))
                rollback by \(record.rollbackDeadline.map(Terminal.time) ?? "-")
                notified    \(notified.isEmpty ? "-" : field(notified.joined(separator: "; ")))
                """)
            for line in Self.gates(record) { print(line) }
            if let notes = record.notes, !notes.isEmpty {
                print("notes")
                for note in notes { print("  • \(field(note))") }
            }
            print("")
            let rows = record.stages.map { stage -> [String] in
                [Terminal.stageSymbol(stage.outcome) + " " + stage.name.rawValue, stage.outcome.rawValue,
                 Terminal.seconds(stage.finishedAt.map { $0.timeIntervalSince(stage.startedAt) }),
                 (stage.message ?? "").split(separator: "\n").first.map(String.init) ?? ""]
            }
            print(Terminal.table(["STAGE", "OUTCOME", "DURATION", "MESSAGE"], rows))
            if let rollout = record.rollout {
                print("")
                print("\(rollout.strategy.rawValue) rollout" + (rollout.conclusion.map { ": \(field($0))" } ?? ""))
                if !rollout.steps.isEmpty { print(Terminal.table(Self.rolloutColumns, rollout.steps.map(Self.rolloutRow))) }
            }
            return .success
        }
    }

    static let rolloutColumns = ["STEP", "WEIGHT", "DURATION", "REQUESTS", "ERRORS", "P50", "P95", "P99", "VERDICT"]

    /// One step of a rollout: its share, how long it lasted, each release's figures (new / old) and
    /// why it ended.
    static func rolloutRow(_ step: RolloutStepRecord) -> [String] {
        func both(_ figure: (ReleaseFigures) -> String) -> String {
            [step.canary.map(figure) ?? "-", step.baseline.map(figure)].compactMap { $0 }.joined(separator: " / ")
        }
        func milliseconds(_ value: Double?) -> String { value.map { String(format: "%.1fms", $0) } ?? "-" }
        let verdict = [step.verdict.map { "\($0.decision.rawValue): \($0.reason)" }, step.note].compactMap { $0 }.joined(separator: "; ")
        return [String(step.index + 1), "\(step.weight)%", Terminal.seconds(step.endedAt.map { $0.timeIntervalSince(step.startedAt) }),
                both { String($0.requests) }, both { String(format: "%.1f%%", $0.errorRate * 100) },
                both { milliseconds($0.p50Milliseconds) }, both { milliseconds($0.p95Milliseconds) },
                both { milliseconds($0.p99Milliseconds) }, TerminalText.line(verdict)]
    }

    /// What environments added to the record: a promotion's source and artifact, approvals, a
    /// rejection, a hotfix, an override; nothing for a deployment that had none.
    static func gates(_ record: Deployment) -> [String] {
        let field = TerminalText.line
        var lines: [String] = []
        if let from = record.promotedFrom { lines.append("promoted    from deployment \(field(from))") }
        if let artifact = record.artifact { lines.append("artifact    \(field(artifact))") }
        if let required = record.approvalsRequired {
            let given = record.approvalsGiven.map { approval in
                field(approval.actor) + " at " + Terminal.time(approval.at) + (approval.comment.map { ": " + field($0) } ?? "")
            }
            lines.append("approvals   \(record.approvalsGiven.count) of \(required)" + (given.isEmpty ? "" : " (" + given.joined(separator: "; ") + ")"))
        }
        if let rejection = record.rejection {
            lines.append("rejected    by \(field(rejection.actor)) at \(Terminal.time(rejection.at)): \(field(rejection.comment ?? ""))")
        }
        if let notBefore = record.notBefore { lines.append("not before  \(Terminal.time(notBefore))") }
        if let expiresAt = record.expiresAt { lines.append("expires     \(Terminal.time(expiresAt))") }
        if let hotfix = record.hotfix { lines.append("hotfix      \(field(hotfix))") }
        if let override = record.override { lines.append("override    \(field(override))") }
        return lines
    }
}

