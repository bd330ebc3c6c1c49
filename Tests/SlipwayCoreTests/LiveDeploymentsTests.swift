import Foundation
import SlipwayModel
import Testing
@testable import SlipwayCore

/// Following a deployment that someone else started: what was logged before, then each change,
/// then the end; nothing once it has ended.
@Suite struct LiveDeploymentsTests {
    let record = Deployment(id: "d1", kind: .deploy, service: "web", actor: "alice", startedAt: Date(timeIntervalSince1970: 0))

    @Test func aFollowerGetsTheBacklogThenEveryChangeThenTheEnd() async {
        let live = LiveDeployments(backlog: 2)
        live.opened(record)
        for line in ["one", "two", "three"] { live.logged("d1", line) }
        let followed = live.follow("d1")
        #expect(followed?.lines == ["two", "three"], "at most the backlog")
        live.logged("d1", "four")
        var ended = record
        ended.outcome = .succeeded
        live.changed(ended)
        live.finished(ended)
        var changes: [LiveDeployments.Change] = []
        if let stream = followed?.changes { for await change in stream { changes.append(change) } }
        #expect(changes == [.line("four"), .record(ended), .finished(ended)])
        #expect(live.follow("d1") == nil, "an ended deployment is the store's")
    }

    @Test func aRecordFirstSeenRunningIsFollowedAndOneAlreadyEndedIsNot() {
        let live = LiveDeployments()
        live.changed(record)
        #expect(live.follow("d1")?.record == record, "a deployment that waited for approval starts here")
        var done = record
        done.id = "d2"
        done.outcome = .failed
        live.changed(done)
        #expect(live.follow("d2") == nil)
        #expect(live.follow("unknown") == nil)
    }
}
