import Foundation
import SlipwayModel

/// The few lines people read in a chat: what happened to which service at which version, how long
/// it took, where it failed and why, what to do next, and the deployment to look up.
///
/// ```
/// ❌ Deploy of *web* v1.4.0 failed at *health* after 42s       (or: was rolled back after 1m 3s: *smoke* failed)
/// commit `3f2a9c1` · ref `main` · by alice · `d-20250101-0001`
/// release did not become healthy within 30s: GET /health answered 503
/// Next: `slipway logs d-20250101-0001`
/// ```
struct NotificationText {
    enum Style {
        /// Slack's mrkdwn: `*bold*`, `` `code` ``, and `&`, `<`, `>` escaped.
        case slack
        /// Telegram without a parse mode: nothing is markup.
        case plain
    }

    /// A deployment's own message is shown up to this many characters.
    static let messageLimit = 300

    let notification: DeploymentNotification
    let style: Style
    /// For the duration of a deployment the record has not closed yet.
    let now: Date

    init(_ notification: DeploymentNotification, style: Style, now: Date) {
        self.notification = notification
        self.style = style
        self.now = now
    }

    var rendered: String {
        var lines = [headline, details]
        if let reason { lines.append(reason) }
        if let notes { lines.append(notes) }
        if let next = notification.nextStep.map(oneLine), !next.isEmpty {
            lines.append("Next: " + code(next))
        }
        return lines.joined(separator: "\n")
    }

    private var deployment: Deployment { notification.deployment }

    private var headline: String {
        let subject: String
        switch deployment.kind {
        case .deploy: subject = "Deploy of \(bold(deployment.service))"
        case .rollback: subject = "Rollback of \(bold(deployment.service)) to"
        case .automaticRollback: subject = "Automatic rollback of \(bold(deployment.service)) to"
        }
        let line = "\(icon) \(subject) \(escape(version)) \(verb)"
        let took = Self.duration(deployment.durationSeconds ?? now.timeIntervalSince(deployment.startedAt))
        let stage = notification.failedStage.map { bold($0.rawValue) }
        switch (notification.event, stage) {
        case (.started, _): return line
        case (.succeeded, _): return line + " in " + took
        case (.failed, let stage?): return line + " at \(stage) after " + took
        case (_, let stage?): return line + " after \(took): \(stage) failed"
        case (_, nil): return line + " after " + took
        }
    }

    private var icon: String {
        switch notification.event {
        case .started: "🚀"
        case .succeeded: "✅"
        case .failed: "❌"
        case .rolledBack: "↩️"
        case .critical: "🚨"
        }
    }

    private var verb: String {
        switch notification.event {
        case .started: "started"
        case .succeeded: "succeeded"
        case .failed: "failed"
        case .rolledBack: "was rolled back"
        case .critical: "could not be rolled back (critical)"
        }
    }

    /// The version label, else the ref asked for, else the release id.
    private var version: String {
        deployment.version ?? deployment.ref ?? deployment.toRelease ?? "(version not known yet)"
    }

    private var details: String {
        var parts: [String] = []
        if let commit = deployment.commit { parts.append("commit " + code(String(commit.prefix(7)))) }
        if let ref = deployment.ref, ref != deployment.version { parts.append("ref " + code(oneLine(ref))) }
        parts.append("by " + escape(deployment.actor))
        parts.append(code(deployment.id))
        return parts.joined(separator: " · ")
    }

    /// What the release brings (its commit subjects), for the start and the success: a few, then how many more.
    private var notes: String? {
        guard notification.event == .started || notification.event == .succeeded,
              let notes = deployment.notes, !notes.isEmpty else { return nil }
        let shown = notes.prefix(Self.notesShown).map { "• " + escape(oneLine($0)) }
        let more = notes.count > Self.notesShown ? ["and \(notes.count - Self.notesShown) more"] : []
        return (shown + more).joined(separator: "\n")
    }

    /// How many commit subjects a notification lists.
    static let notesShown = 5

    /// Why it failed, for the events that are failures.
    private var reason: String? {
        guard notification.event != .started, notification.event != .succeeded,
              let message = deployment.message.map(oneLine), !message.isEmpty else { return nil }
        let shown = message.count > Self.messageLimit ? String(message.prefix(Self.messageLimit)) + "…" : message
        return escape(shown)
    }

    /// `0.4s`, `42s`, `3m 5s`, `1h 2m`.
    static func duration(_ seconds: Double) -> String {
        let seconds = max(0, seconds)
        if seconds < 9.95 { return "\((seconds * 10).rounded() / 10)s" }
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m \(whole % 60)s" }
        return "\(whole / 3600)h \(whole % 3600 / 60)m"
    }

    private func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }

    private func bold(_ text: String) -> String {
        style == .slack ? "*\(escape(text))*" : text
    }

    private func code(_ text: String) -> String {
        style == .slack ? "`\(escape(text.replacingOccurrences(of: "`", with: "'")))`" : text
    }

    /// Slack reads `&`, `<` and `>` as markup (links, mentions); everything else is text.
    private func escape(_ text: String) -> String {
        guard style == .slack else { return text }
        return text.replacingOccurrences(of: "&", with: "&amp;")
            .replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
