import Foundation
import SlipwayModel
import SlipwayTestSupport
import Testing

/// The request fields docs/API.md gives a default may be left out of a body.
@Suite(.serialized) struct APIDefaultsTests {
    @Test func deployWithoutRefDeploysHEAD() async throws {
        try await withDaemonOverV1 { repository, daemon in

            let answer = try await DaemonSocket(repository).post("/v1/deployments", #"{"service": "web", "actor": "tester"}"#)
            #expect(answer.status == 200, "\(answer.body)")
            let finished = try #require(try answer.events().last?.deployment, "\(answer.body)")
            #expect(finished.outcome == .succeeded, "\(finished.message ?? "")")
            #expect(finished.ref == "HEAD")
            #expect(finished.version == "v1")
            #expect(try await LoopbackHTTP.get(daemon.url + "/").body == "hello from v1\n")
        }
    }

    @Test func planWithoutToPlansHEAD() async throws {
        try await withDaemonOverV1 { repository, daemon in

            let answer = try await DaemonSocket(repository).post("/v1/plans", #"{"actor": "tester"}"#)
            #expect(answer.status == 200, "\(answer.body)")
            let head = try await runProgram("/usr/bin/env", ["git", "-C", repository.root, "rev-parse", "HEAD"])
            #expect(try answer.decoded(RunPlan.self).to == head.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
