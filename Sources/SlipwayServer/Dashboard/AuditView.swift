import Foundation
import SlipwayModel

/// The audit page: the trail newest first, filtered by environment, service and actor, paged by
/// sequence number (stable while new lines are appended).
struct AuditView {
    static let pageSize = 100

    struct Row {
        let sequence: Int64
        let at: String
        let actor: String
        let action: String
        let service: String
        let environment: String?
        let deployment: String?
        let detail: String
    }

    struct Query {
        var filter = AuditFilter(limit: AuditView.pageSize + 1)
        var fields: [String: String]

        init(_ fields: [String: String]) {
            self.fields = fields.filter { !$0.value.isEmpty }
            filter.environment = self.fields["environment"]
            filter.service = self.fields["service"]
            filter.actor = self.fields["actor"]
            // A `before` that is not a number starts from the newest line.
            filter.before = self.fields["before"].flatMap { Int64($0) }
        }

        func link(before: Int64?) -> String {
            var fields = self.fields
            fields["before"] = before.map(String.init)
            return "/audit" + DashboardHTTP.queryString(fields)
        }
    }

    let environments: [HistoryView.Choice]
    let service: String
    let actor: String
    let rows: [Row]
    let newest: String?
    let older: String?

    init(query: Query, entries: [AuditEntry], environments: [String]) {
        let fields = query.fields
        self.environments = environments.map { HistoryView.Choice(name: $0, word: $0, selected: fields["environment"] == $0) }
        service = fields["service"] ?? ""
        actor = fields["actor"] ?? ""
        let page = entries.prefix(Self.pageSize)
        rows = page.map { entry in
            Row(sequence: entry.sequence, at: DashboardFormat.time(entry.at), actor: entry.actor, action: entry.action.rawValue,
                service: entry.service ?? "", environment: entry.environment, deployment: entry.deployment, detail: entry.detail)
        }
        newest = query.filter.before == nil ? nil : query.link(before: nil)
        older = entries.count > Self.pageSize ? page.last.map { query.link(before: $0.sequence) } : nil
    }
}
