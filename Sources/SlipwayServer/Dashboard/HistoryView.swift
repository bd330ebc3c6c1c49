import Foundation
import SlipwayModel

/// The history page: deployments filtered by environment, service, outcome, actor and dates,
/// newest first, a page at a time.
struct HistoryView {
    static let pageSize = 50

    struct Choice {
        let name: String
        let word: String
        let selected: Bool
    }

    struct Row {
        let id: String
        let kind: String
        let service: String
        let environment: String?
        let version: String
        let actor: String
        let started: String
        let duration: String
        let word: String
        let icon: String
        let tone: String
        let message: String?
    }

    /// The filter a query asks for, or the sentence that says which field is wrong.
    struct Query {
        var filter = DeploymentFilter(limit: HistoryView.pageSize + 1)
        var page = 1
        var fields: [String: String] = [:]
        var error: String?

        init(_ fields: [String: String]) {
            self.fields = fields.filter { !$0.value.isEmpty }
            filter.environment = self.fields["environment"]
            filter.service = self.fields["service"]
            filter.actor = self.fields["actor"]
            if let outcome = self.fields["outcome"] {
                if let known = Deployment.Outcome(rawValue: outcome) { filter.outcome = known } else {
                    error = "outcome \(outcome) is not one of " + HistoryView.outcomes.map(\.rawValue).joined(separator: ", ")
                }
            }
            for (name, later) in [("since", false), ("until", true)] {
                guard let written = self.fields[name] else { continue }
                guard let day = Self.day(written) else {
                    error = "\(name) \(written) is not a date (YYYY-MM-DD)"
                    continue
                }
                // `until` includes its whole day.
                if later { filter.until = day.addingTimeInterval(86_400) } else { filter.since = day }
            }
            if let written = self.fields["page"] {
                if let number = Int(written), number >= 1, number <= 100_000 { page = number } else {
                    error = "page \(written) is not a page number"
                }
            }
            filter.offset = (page - 1) * HistoryView.pageSize
        }

        /// Midnight UTC of a `YYYY-MM-DD` day.
        static func day(_ text: String) -> Date? {
            guard text.count == 10 else { return nil }
            return try? Date(text, strategy: .iso8601.year().month().day())
        }

        /// This query on another page.
        func link(page: Int) -> String {
            var fields = self.fields
            fields["page"] = page == 1 ? nil : String(page)
            return "/history" + DashboardHTTP.queryString(fields)
        }
    }

    static let outcomes: [Deployment.Outcome] = [.succeeded, .failed, .rolledBack, .interrupted, .running, .pending, .rejected, .expired]

    let environments: [Choice]
    let services: [Choice]
    let outcomes: [Choice]
    let actor: String
    let since: String
    let until: String
    let rows: [Row]
    let newer: String?
    let older: String?
    let error: String?

    /// `records`: what the query's filter found (one more than a page: there is an older page).
    init(query: Query, records: [Deployment], environments: [String], services: [String]) {
        let fields = query.fields
        self.environments = environments.map { Choice(name: $0, word: $0, selected: fields["environment"] == $0) }
        self.services = services.map { Choice(name: $0, word: $0, selected: fields["service"] == $0) }
        outcomes = Self.outcomes.map {
            Choice(name: $0.rawValue, word: DashboardFormat.badge($0).word, selected: fields["outcome"] == $0.rawValue)
        }
        actor = fields["actor"] ?? ""
        since = fields["since"] ?? ""
        until = fields["until"] ?? ""
        rows = records.prefix(Self.pageSize).map { record in
            let badge = DashboardFormat.badge(record.outcome)
            return Row(id: record.id, kind: record.kind.rawValue.replacingOccurrences(of: "_", with: " "), service: record.service,
                       environment: record.environment, version: record.version ?? record.ref ?? "-", actor: record.actor,
                       started: DashboardFormat.time(record.startedAt), duration: DashboardFormat.duration(record.durationSeconds),
                       word: badge.word, icon: badge.icon, tone: badge.tone, message: record.message)
        }
        newer = query.page > 1 ? query.link(page: query.page - 1) : nil
        older = records.count > Self.pageSize ? query.link(page: query.page + 1) : nil
        error = query.error
    }
}
