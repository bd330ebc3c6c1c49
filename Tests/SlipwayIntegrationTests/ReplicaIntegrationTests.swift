import Foundation
import SlipwayModel
import SlipwayTestSupport
import Testing
@testable import SlipwayCLI

/// `replicas: 3` through the real daemon, proxy process and example service: every replica serves,
/// a deploy switches all three at once under load, and a replica killed leaves the pool and is
/// started again while the other two serve.
@Suite(.serialized) struct ReplicaIntegrationTests {
    static let config = TestRepository.config() + """

        replicas: 3
        balance: round_robin
    """

    @Test(.timeLimit(.minutes(3))) func threeReplicasServeSwitchTogetherAndAKilledOneComesBack() async throws {
        let repository = try TestRepository(config: Self.config)
        defer { repository.remove() }
        try repository.release("v1")
        try repository.release("v2")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        let first = try await cli.run("deploy", "web", "--ref", "v1")
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        let v1 = try #require(try await cli.status().services.first?.replicas)
        #expect(v1.count == 3 && v1.allSatisfy { $0.health == .healthy && $0.inPool })
        #expect(Set(v1.map(\.pid)).count == 3)

        // Each replica takes requests (round robin over the three).
        let pids = try await (0..<9).asyncMap { _ in try await LoopbackHTTP.get(daemon.url + "/pid").body }
        #expect(Set(pids).count == 3, "\(pids)")

        var deployed: CommandResult?
        let counts = try await daemon.underLoad { load in
            deployed = try await cli.run("deploy", "web", "--ref", "v2")
            #expect(await eventually { load.snapshot.versions["v2", default: 0] > 0 })
        }
        #expect(deployed?.status == 0, "\(deployed?.stdout ?? "")\(deployed?.stderr ?? "")")
        #expect(deployed?.stdout.contains("3 replicas healthy") == true)
        #expect(counts.failed == 0, "\(counts.failures)")
        #expect(counts.versions["v1", default: 0] > 0 && counts.versions["v2", default: 0] > 0)
        let v2 = try #require(try await cli.status().services.first?.replicas)
        #expect(v2.count == 3 && Set(v2.map(\.pid)).isDisjoint(with: v1.map(\.pid)))
        for replica in v1 { #expect(kill(replica.pid, 0) != 0, "v1's pid \(replica.pid) was stopped") }

        // SIGKILL one replica: it leaves the pool at once and is started again in its slot.
        let victim = v2[1]
        try #require(victim.pid > 1, "a replica's pid, never 0 or -1, which kill(2) reads as a group or everyone")
        #expect(kill(victim.pid, SIGKILL) == 0)
        #expect(await eventually(timeout: .seconds(20)) {
            guard let replicas = try? await cli.status().services.first?.replicas else { return false }
            return replicas.count == 3 && replicas[1].pid != victim.pid && replicas.allSatisfy { $0.health == .healthy && $0.inPool }
        })
        let status = try #require(try await cli.status().services.first)
        #expect(status.restarts == 1)
        #expect(status.replicas?[0].pid == v2[0].pid && status.replicas?[2].pid == v2[2].pid, "the others ran on untouched")
        let shown = try await cli.run("status")
        #expect(shown.stdout.contains("REPLICAS: web: 1 pid \(v2[0].pid)"), "\(shown.stdout)")
        let after = try await daemon.underLoad { load in
            let served = load.snapshot.served
            #expect(await eventually { load.snapshot.served > served + 100 })
        }
        #expect(after.failed == 0, "\(after.failures)")
        let audit = try await cli.run("audit", "web")
        #expect(audit.stdout.contains("replica 2 of release"), "\(audit.stdout)")
    }

    /// strategy: rolling over three replicas under load: every request served while instances are
    /// replaced one by one; a release that never becomes healthy is rolled back with the old one
    /// whole, and nobody saw an error.
    @Test(.timeLimit(.minutes(3))) func rollingReplacesEveryReplicaUnderLoadAndUndoesAFailure() async throws {
        let repository = try TestRepository(config: Self.config + """

            strategy: rolling
            rolling: { max_surge: 1, max_unavailable: 0 }
        """)
        defer { repository.remove() }
        try repository.release("v1")
        try repository.release("v2", startup: "300ms")
        try repository.release("v3", health: "fail")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        #expect(try await cli.run("deploy", "web", "--ref", "v1").status == 0)
        let v1 = try #require(try await cli.status().services.first?.replicas)

        var deployed: CommandResult?
        let counts = try await daemon.underLoad { load in
            deployed = try await cli.run("deploy", "web", "--ref", "v2")
            #expect(await eventually { load.snapshot.versions["v2", default: 0] > 0 })
        }
        #expect(deployed?.status == 0, "\(deployed?.stdout ?? "")\(deployed?.stderr ?? "")")
        #expect(counts.failed == 0, "\(counts.failures)")
        #expect(counts.versions["v1", default: 0] > 0 && counts.versions["v2", default: 0] > 0)
        let v2 = try #require(try await cli.status().services.first?.replicas)
        #expect(v2.count == 3 && Set(v2.map(\.pid)).isDisjoint(with: v1.map(\.pid)))
        for replica in v1 { #expect(kill(replica.pid, 0) != 0, "v1's pid \(replica.pid) was stopped") }
        let record = try #require(try await cli.json([Deployment].self, "history", "web").first)
        #expect(record.strategy == .rolling)
        #expect(record.rollout?.conclusion?.contains("replaced 3 instance(s)") == true)

        var failed: CommandResult?
        let during = try await daemon.underLoad { _ in failed = try await cli.run("deploy", "web", "--ref", "v3") }
        #expect(failed?.status == 4, "\(failed?.stdout ?? "")\(failed?.stderr ?? "")")
        #expect(failed?.stdout.contains("new-1 failed its health gate") == true)
        #expect(during.failed == 0, "\(during.failures)")
        #expect(during.versions.keys.allSatisfy { $0 == "v2" }, "\(during.versions)")
        #expect(try await cli.status().services.first?.replicas?.map(\.pid) == v2.map(\.pid), "the old replicas never stopped")
    }

    /// `rollout web abort` mid-way brings the old instances back; a daemon SIGKILLed mid-way leaves
    /// the pool serving, and the next daemon puts every request back on the old release, starts its
    /// stopped instances again and stops the new ones. Nobody saw an error either time.
    @Test(.timeLimit(.minutes(3))) func aRollingReplacementAbortedOrCutShortLeavesTheOldReleaseWhole() async throws {
        let repository = try TestRepository(config: Self.config + """

            strategy: rolling
            rolling: { max_surge: 0, max_unavailable: 1 }
        """)
        defer { repository.remove() }
        try repository.release("v1")
        try repository.release("v2", startup: "1500ms")
        try repository.release("v3", startup: "1500ms")
        var daemon = try await DaemonProcess.start(repository)
        let cli = CLI(repository: repository)
        #expect(try await cli.run("deploy", "web", "--ref", "v1").status == 0)
        let v1Release = try #require(try await cli.status().services.first?.activeRelease?.id)
        let load = LoadGenerator(url: daemon.url + "/", clients: 2)
        let running = Task { await load.run() }

        let aborted = Task { try await cli.run("deploy", "web", "--ref", "v2") }
        #expect(try await eventually {
            (try? await cli.json(RolloutView.self, "rollout", "web")).map { $0.strategy == .rolling && $0.step == 1 } ?? false
        })
        let shown = try await cli.run("rollout", "web")
        #expect(shown.stdout.contains("1 of 3 new instances in the pool"), "\(shown.stdout)")
        #expect(try await cli.run("rollout", "web", "pause").status == 6, "nothing to pause in a rolling replacement")
        let abort = try await cli.run("rollout", "web", "abort", "--reason", "not today")
        #expect(abort.status == 0, "\(abort.stdout)\(abort.stderr)")
        let abortedResult = try await aborted.value
        #expect(abortedResult.status == 4, "\(abortedResult.stdout)\(abortedResult.stderr)")
        #expect(abortedResult.stdout.contains("aborted by alice") || abortedResult.stdout.contains("not today"), "\(abortedResult.stdout)")
        let afterAbort = try #require(try await cli.status().services.first)
        #expect(afterAbort.activeRelease?.id == v1Release)
        #expect(afterAbort.replicas?.count == 3)
        #expect(Set(afterAbort.upstreams).count == 3)

        let cut = Task { try await cli.run("deploy", "web", "--ref", "v3") }
        #expect(try await eventually {
            (try? await cli.json(RolloutView.self, "rollout", "web")).map { $0.step == 1 } ?? false
        })
        #expect(try await eventually { load.snapshot.versions["v3", default: 0] > 0 })
        daemon.kill9()
        #expect(try await cut.value.status == 7)
        daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let interrupted = try #require(try await cli.json([Deployment].self, "history", "web").first)
        #expect(interrupted.outcome == .rolledBack, "\(interrupted.message ?? "")")
        #expect(try await eventually {
            guard let status = try? await cli.status().services.first, let replicas = status.replicas else { return false }
            return status.activeRelease?.id == v1Release && replicas.count == 3 && replicas.allSatisfy { $0.health == .healthy && $0.inPool }
        })
        try await load.expectOnly("v1", not: "v3")
        await load.finish(running)
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
