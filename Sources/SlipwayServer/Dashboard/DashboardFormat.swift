import Foundation
import SlipwayModel

/// How the dashboard writes times, durations and outcomes: each outcome as a word with an icon and
/// a class for its colour, so that none is told by colour alone.
enum DashboardFormat {
    static func time(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false).timeSeparator(.colon))
    }

    static func duration(_ seconds: Double?) -> String {
        guard let seconds else { return "" }
        if seconds < 10 { return String(format: "%.1f s", seconds) }
        if seconds < 120 { return "\(Int(seconds.rounded())) s" }
        return "\(Int(seconds) / 60) min \(Int(seconds) % 60) s"
    }

    struct Badge {
        let word: String
        let icon: String
        /// `ok`, `bad` or `busy`: the colour.
        let tone: String
    }

    static func badge(_ outcome: Deployment.Outcome) -> Badge {
        switch outcome {
        case .succeeded: Badge(word: "succeeded", icon: "✔", tone: "ok")
        case .failed: Badge(word: "failed", icon: "✖", tone: "bad")
        case .rolledBack: Badge(word: "rolled back", icon: "↩", tone: "bad")
        case .interrupted: Badge(word: "interrupted", icon: "⚠", tone: "bad")
        case .rejected: Badge(word: "rejected", icon: "✖", tone: "bad")
        case .expired: Badge(word: "expired", icon: "⌛", tone: "bad")
        case .running: Badge(word: "running", icon: "⟳", tone: "busy")
        case .pending: Badge(word: "waiting for approval", icon: "⏸", tone: "busy")
        }
    }

    static func badge(_ outcome: StageRecord.Outcome) -> Badge {
        switch outcome {
        case .succeeded: Badge(word: "succeeded", icon: "✔", tone: "ok")
        case .failed: Badge(word: "failed", icon: "✖", tone: "bad")
        case .running: Badge(word: "running", icon: "⟳", tone: "busy")
        case .skipped: Badge(word: "skipped", icon: "–", tone: "muted")
        case .cancelled: Badge(word: "cancelled", icon: "⊘", tone: "muted")
        }
    }

    static func badge(_ decision: AnalysisVerdict.Decision) -> Badge {
        switch decision {
        case .pass: Badge(word: "pass", icon: "✔", tone: "ok")
        case .wait: Badge(word: "wait", icon: "…", tone: "busy")
        case .fail: Badge(word: "fail", icon: "✖", tone: "bad")
        }
    }

    static func percent(_ fraction: Double) -> String { String(format: "%.2f%%", fraction * 100) }
    static func milliseconds(_ value: Double?) -> String { value.map { String(format: "%.1f ms", $0) } ?? "-" }

    /// Text made safe for one `data:` field set of a Server-Sent Event: each line its own field.
    static func eventData(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "data: \($0)" }.joined(separator: "\n")
    }
}
