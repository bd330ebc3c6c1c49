import Foundation
import SlipwayCore
import SlipwayModel
import Testing

@Suite struct RunTests {
    func harness(changes: [String: [String]]) -> Harness {
        Harness(services: ["gateway", "hr", "web"], changes: changes) { service in
            switch service.name {
            case "gateway": service.paths = ["services/gateway/**"]
            case "hr":
                service.paths = ["services/hr/**", "libs/common/**"]
                service.dependsOn = ["gateway"]
            default: service.paths = ["web/**", "libs/common/**"]
            }
        }
    }

    @Test func neverDeployedServicesAllDeployInDependencyWaves() async throws {
        let h = harness(changes: [:])
        let summary = try await h.run(RunRequest(to: "c1", actor: "alice"))
        #expect(summary.plan.waves.map { $0.map(\.service) } == [["gateway", "web"], ["hr"]])
        #expect(summary.exitCode == .success)
        #expect(summary.results.map(\.outcome) == [.succeeded, .succeeded, .succeeded])
    }

    @Test func aChangeDeploysExactlyTheServicesItsPathsMatch() async throws {
        let h = harness(changes: ["c1..c2": ["libs/common/util.swift", "docs/x.md"], "c1..c3": ["services/gateway/main.go"]])
        let controller = h.controller
        _ = try await h.run(RunRequest(to: "c1", actor: "alice"))
        let plan = try await controller.plan(RunRequest(to: "c2", actor: "alice"))
        #expect(plan.waves.map { $0.map(\.service) } == [["hr", "web"]])
        #expect(plan.waves[0][0].from == "c1")
        #expect(plan.waves[0][0].because == ["libs/common/util.swift"])
        let gatewayOnly = try await controller.plan(RunRequest(to: "c3", actor: "alice"))
        #expect(gatewayOnly.waves.map { $0.map(\.service) } == [["gateway"]])
        let nothing = try await controller.plan(RunRequest(to: "c1", actor: "alice"))
        #expect(nothing.waves.isEmpty)
    }

    @Test func aFailedDependencySkipsItsDependentsAndTheWorstCodeWins() async throws {
        let h = harness(changes: [:])
        h.world.state.withLock { _ = $0.failingBuilds.insert("c1") }
        let summary = try await h.run(RunRequest(to: "c1", actor: "alice"))
        let byService = Dictionary(uniqueKeysWithValues: summary.results.map { ($0.service, $0) })
        #expect(byService["gateway"]?.exitCode == .buildFailed)
        #expect(byService["hr"]?.outcome == .skipped)
        #expect(byService["web"]?.exitCode == .buildFailed)
        #expect(summary.exitCode == .buildFailed)
    }
}
