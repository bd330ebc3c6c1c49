import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SlipwayCore
import SlipwayModel
import Synchronization
import SlipwayTestSupport
import Testing
@testable import SlipwayServer

/// Records the pages read, held in memory: the dashboard's own protocol, not the store (whose
/// queries `SQLiteListingTests` test on a real database).
final class FixedRecords: DashboardRecords {
    let records: [Deployment]
    let logs: [String: String]
    let trail: [AuditEntry]
    let live: LiveDeployments
    let filters = Collected<DeploymentFilter>()

    init(records: [Deployment] = [], logs: [String: String] = [:], trail: [AuditEntry] = [], live: LiveDeployments = LiveDeployments()) {
        self.records = records
        self.logs = logs
        self.trail = trail
        self.live = live
    }

    func deployment(id: String) async throws -> Deployment? { records.first { $0.id == id } }
    func log(deployment id: String) async throws -> String { logs[id] ?? "" }
    func deployments(matching filter: DeploymentFilter) async throws -> [Deployment] {
        filters.append(filter)
        return Array(records.dropFirst(filter.offset).prefix(filter.limit))
    }
    func audit(matching filter: AuditFilter) async throws -> [AuditEntry] {
        Array(trail.sorted { $0.sequence > $1.sequence }.filter { entry in filter.before.map { entry.sequence < $0 } ?? true }
            .prefix(filter.limit))
    }
    func follow(_ id: String) -> (record: Deployment, lines: [String], changes: AsyncStream<LiveDeployments.Change>)? {
        live.follow(id)
    }
    func snapshot(_ id: String) -> (record: Deployment, lines: [String])? { live.snapshot(id) }
}

@Suite struct DashboardRecordPagesTests {
    static let started = Date(timeIntervalSince1970: 1_800_000_000)

    static func canary() -> Deployment {
        var record = Deployment(id: "20270115-120000-aaaa", kind: .deploy, service: "web", ref: "v3", actor: "erin<b>",
                                startedAt: started, outcome: .rolledBack, stages: [
                                    StageRecord(name: .build, startedAt: started, finishedAt: started.addingTimeInterval(2.5), outcome: .succeeded),
                                    StageRecord(name: .rollout, startedAt: started.addingTimeInterval(3), finishedAt: started.addingTimeInterval(30),
                                                outcome: .failed, message: "canary error rate 19.8% > baseline"),
                                ])
        record.version = "v3"
        record.finishedAt = started.addingTimeInterval(31)
        record.exitCode = .smokeFailedRolledBack
        record.message = "the canary was aborted"
        record.strategy = .canary
        let stats = { (release: String, requests: Int, errors: Int, p95: Double) -> ReleaseFigures in
            var figures = ReleaseFigures(release: release, WindowStats())
            figures.requests = requests
            figures.errors = errors
            figures.errorRate = Double(errors) / Double(requests)
            figures.p95Milliseconds = p95
            return figures
        }
        record.rollout = RolloutRecord(strategy: .canary, steps: [
            RolloutStepRecord(index: 0, weight: 5, startedAt: started, endedAt: started.addingTimeInterval(10),
                              canary: stats("new", 60, 0, 12), baseline: stats("old", 1140, 1, 11),
                              verdict: AnalysisVerdict(decision: .pass, comparison: .baseline, reason: "all rules passed",
                                                       canaryRequests: 60, baselineRequests: 1140, rules: [])),
            RolloutStepRecord(index: 1, weight: 50, startedAt: started.addingTimeInterval(10), endedAt: started.addingTimeInterval(20),
                              canary: stats("new", 500, 99, 40), baseline: stats("old", 500, 1, 12),
                              verdict: AnalysisVerdict(decision: .fail, comparison: .baseline, reason: "canary error rate 19.8% > baseline",
                                                       canaryRequests: 500, baselineRequests: 500, rules: [])),
        ], conclusion: "aborted at 50%: canary error rate 19.8% > baseline")
        return record
    }

    static func signIn(_ client: some TestClientProtocol, _ token: String) async throws -> String {
        let (headers, body) = try await DashboardTests.signInPost(client, token: token)
        return try await client.execute(uri: "/sign-in", method: .post, headers: headers, body: body) { try #require(DashboardTests.cookie($0)) }
    }

    @Test func aDeploymentPageShowsItsStagesRolloutChartAndLogEscaped() async throws {
        let record = Self.canary()
        let records = FixedRecords(records: [record], logs: [record.id: "building\n<script>alert(1)</script>\n"])
        let (app, token, _) = try await DashboardTests.app(records: records)
        try await app.test(.live) { client in
            let cookie = try await Self.signIn(client, token)
            let page = try await client.execute(uri: "/deployments/\(record.id)", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .ok)
                return String(buffer: response.body)
            }
            #expect(page.contains("↩</span> rolled back"), "the outcome as a word beside its icon")
            #expect(page.contains("<td>build</td>") && page.contains("✔</span> succeeded") && page.contains("2.5 s"))
            #expect(page.contains("canary error rate 19.8% &gt; baseline"))
            #expect(page.contains("erin&lt;b&gt;") && !page.contains("erin<b>"))
            #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !page.contains("<script>alert"))
            #expect(page.contains(#"<svg class="chart""#) && page.contains("✔ pass") && page.contains("✖ fail"))
            #expect(page.contains("500 requests, 99 errors (19.80%), p95 40.0 ms"))
            #expect(!page.contains("data-live"), "a finished deployment is not followed")

            try await client.execute(uri: "/deployments/nope", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains("There is no deployment nope."))
            }
            try await client.execute(uri: "/deployments/\(record.id)", method: .get) { response in
                #expect(response.status == .seeOther, "a deployment page needs a session")
            }
        }
    }

    @Test func aRunningDeploymentIsFollowedLineByLineUntilItEnds() async throws {
        var running = Self.canary()
        running.outcome = .running
        running.finishedAt = nil
        running.rollout = nil
        running.stages = [StageRecord(name: .build, startedAt: Self.started)]
        let record = running
        let live = LiveDeployments()
        live.opened(record)
        live.logged(record.id, "step 1")
        let (app, token, _) = try await DashboardTests.app(records: FixedRecords(records: [record], live: live))
        try await app.test(.live) { client in
            let cookie = try await Self.signIn(client, token)
            let page = try await client.execute(uri: "/deployments/\(record.id)", method: .get, headers: [.cookie: cookie]) {
                String(buffer: $0.body)
            }
            #expect(page.contains(#"data-live="/deployments/\#(record.id)/events""#))
            #expect(page.contains("step 1\n</pre>"))
            // The deployment goes on while the page follows it: a line, a stage's end, the end.
            let feeding = Task {
                try await waitUntil("the page follows the deployment") { live.followers(of: record.id) == 1 }
                live.logged(record.id, "step <2>")
                var built = record
                built.stages[0].outcome = .succeeded
                built.stages[0].finishedAt = Self.started.addingTimeInterval(1)
                live.changed(built)
                built.outcome = .succeeded
                built.finishedAt = Self.started.addingTimeInterval(2)
                live.finished(built)
            }
            let events = try await client.execute(uri: "/deployments/\(record.id)/events", method: .get, headers: [.cookie: cookie]) {
                String(buffer: $0.body)
            }
            try await feeding.value
            let names = events.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { $0.dropFirst(7) }
            #expect(names == ["record", "log-reset", "line", "record", "finished"], "\(events)")
            #expect(events.contains("event: log-reset\ndata: step 1\ndata: \n\n"))
            #expect(events.contains("event: line\ndata: step <2>\n\n"), "a line is text: the page inserts it as text")
            #expect(events.contains("✔</span> succeeded"))
        }
    }

    @Test func historyFiltersAndPagesAndABadFilterIsSaid() async throws {
        let records = (0..<120).map { index in
            Deployment(id: String(format: "d%03d", index), kind: .deploy, service: "web", ref: "v\(index)", actor: "alice",
                       startedAt: Self.started.addingTimeInterval(Double(-index) * 60), outcome: .succeeded, stages: [])
        }
        let store = FixedRecords(records: records)
        let (app, token, _) = try await DashboardTests.app(records: store)
        try await app.test(.live) { client in
            let cookie = try await Self.signIn(client, token)
            let first = try await client.execute(uri: "/history?service=web&outcome=succeeded&actor=alice&since=2027-01-01&until=2027-01-15",
                                                 method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .ok)
                return String(buffer: response.body)
            }
            let filter = try #require(store.filters.all.last)
            #expect(filter.service == "web" && filter.outcome == .succeeded && filter.actor == "alice")
            #expect(filter.since == Date(timeIntervalSince1970: 1_798_761_600), "midnight UTC of the first day")
            #expect(filter.until == Date(timeIntervalSince1970: 1_800_057_600), "the whole last day included")
            #expect(filter.limit == 51 && filter.offset == 0)
            #expect(first.components(separatedBy: #"<tr class="deployment-row">"#).count == 51)
            #expect(first.contains(#"href="/history?actor=alice&amp;outcome=succeeded&amp;page=2&amp;service=web&amp;since=2027-01-01&amp;until=2027-01-15""#))
            #expect(first.contains(#"<option value="succeeded" selected>"#))

            let third = try await client.execute(uri: "/history?page=3", method: .get, headers: [.cookie: cookie]) { String(buffer: $0.body) }
            #expect(store.filters.all.last?.offset == 100)
            #expect(third.components(separatedBy: #"<tr class="deployment-row">"#).count == 21)
            #expect(third.contains("← Newer") && !third.contains("Older →"))

            try await client.execute(uri: "/history?outcome=great&since=yesterday", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .badRequest)
                let body = String(buffer: response.body)
                #expect(body.contains("is not a date (YYYY-MM-DD)") || body.contains("outcome great is not one of"))
            }
        }
    }

    @Test func theAuditTrailIsPagedBySequence() async throws {
        let trail = (1...250).map { index in
            AuditEntry(sequence: Int64(index), at: Self.started, actor: "bob", action: .deployStarted, service: "web",
                       deployment: "d\(index)", detail: "line \(index)")
        }
        let (app, token, _) = try await DashboardTests.app(records: FixedRecords(trail: trail))
        try await app.test(.live) { client in
            let cookie = try await Self.signIn(client, token)
            let newest = try await client.execute(uri: "/audit", method: .get, headers: [.cookie: cookie]) { String(buffer: $0.body) }
            #expect(newest.contains("<td>250</td>") && newest.contains("<td>151</td>") && !newest.contains("<td>150</td>"))
            #expect(newest.contains(#"href="/audit?before=151""#) && newest.contains(#"<a href="/deployments/d250">"#))
            let older = try await client.execute(uri: "/audit?before=151", method: .get, headers: [.cookie: cookie]) { String(buffer: $0.body) }
            #expect(older.contains("<td>150</td>") && older.contains("<td>51</td>") && !older.contains("<td>151</td>"))
            #expect(older.contains("← Newest"))
        }
    }
}

/// What a fake was asked, in order.
final class Collected<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])
    func append(_ value: Value) { values.withLock { $0.append(value) } }
    var all: [Value] { values.withLock { $0 } }
}
