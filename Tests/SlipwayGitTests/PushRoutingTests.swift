import Foundation
import SlipwayModel
import Testing
@testable import SlipwayGit

/// Where a pushed ref deploys with `environments:`: the rule the post-receive hook and the GitHub
/// webhook share.
@Suite struct PushRoutingTests {
    static let a = String(repeating: "a", count: 40)
    static let b = String(repeating: "b", count: 40)
    static let zero = String(repeating: "0", count: 40)

    static let environments = [
        EnvironmentConfig(name: "dev", branch: "develop"),
        EnvironmentConfig(name: "staging", branch: "main"),
        EnvironmentConfig(name: "preview", branch: "main"),
        EnvironmentConfig(name: "production", tags: .semver(allowPrerelease: false), approvals: ApprovalPolicy(required: 2)),
        EnvironmentConfig(name: "candidates", tags: .semver(allowPrerelease: true)),
    ]

    @Test func aBranchDeploysItsRangeIntoEachEnvironmentOfThatBranch() {
        let routed = PushRouting.route(RefUpdate(ref: "refs/heads/main", old: Self.a, new: Self.b), environments: Self.environments,
                                       actor: "github:octocat")
        #expect(routed.nothing == nil)
        #expect(routed.runs == [
            RunRequest(from: Self.a, to: Self.b, environment: "staging", actor: "github:octocat", trigger: .push),
            RunRequest(from: Self.a, to: Self.b, environment: "preview", actor: "github:octocat", trigger: .push),
        ])
        // A created branch: each service's last deployed commit is the other end.
        let created = PushRouting.route(RefUpdate(ref: "refs/heads/develop", old: Self.zero, new: Self.b), environments: Self.environments)
        #expect(created.runs.map(\.environment) == ["dev"])
        #expect(created.runs.first?.from == nil)
    }

    @Test func aReleaseTagDeploysByNameIntoEachEnvironmentWhosePolicyTakesIt() {
        let release = PushRouting.route(RefUpdate(ref: "refs/tags/v1.2.3", old: Self.zero, new: Self.b), environments: Self.environments)
        #expect(release.runs == [
            RunRequest(from: nil, to: "v1.2.3", environment: "production", trigger: .push),
            RunRequest(from: nil, to: "v1.2.3", environment: "candidates", trigger: .push),
        ])
        let candidate = PushRouting.route(RefUpdate(ref: "refs/tags/v1.3.0-rc.1", old: Self.zero, new: Self.b), environments: Self.environments)
        #expect(candidate.runs.map(\.environment) == ["candidates"])
    }

    @Test(arguments: [
        ("refs/heads/feature", "no environment deploys the branch feature"),
        ("refs/tags/release-5", "no environment takes the tag release-5"),
        ("refs/tags/v1.2", "no environment takes the tag v1.2"),
        ("refs/notes/commits", "not a branch or a tag"),
    ])
    func aRefNoEnvironmentTakesDeploysNothingAndSaysWhy(_ ref: String, _ why: String) {
        let routed = PushRouting.route(RefUpdate(ref: ref, old: Self.a, new: Self.b), environments: Self.environments)
        #expect(routed.runs.isEmpty)
        #expect(routed.nothing?.hasPrefix(ref + ": " + why) == true, "\(routed.nothing ?? "")")
        #expect(routed.nothing?.hasSuffix("nothing deployed") == true)
    }

    @Test func aDeletedRefDeploysNothing() {
        for ref in ["refs/heads/main", "refs/tags/v1.2.3"] {
            let routed = PushRouting.route(RefUpdate(ref: ref, old: Self.a, new: Self.zero), environments: Self.environments)
            #expect(routed.runs.isEmpty)
            #expect(routed.nothing == "\(ref) (deleted): nothing deployed")
        }
    }

    @Test func anEnvironmentWithoutATagPolicyIsReachedByItsBranchOnly() {
        let routed = PushRouting.route(RefUpdate(ref: "refs/tags/v1.0.0", old: Self.zero, new: Self.b),
                                       environments: [EnvironmentConfig(name: "staging", branch: "main")])
        #expect(routed.runs.isEmpty)
    }

    @Test func postReceiveInputKeepsEveryRef() throws {
        let updates = try RefUpdate.parse(postReceive: "\(Self.a) \(Self.b) refs/heads/main\n\(Self.zero) \(Self.b) refs/tags/v1.0.0\n"
                                          + "\(Self.a) \(Self.zero) refs/heads/old\n")
        #expect(updates == [
            RefUpdate(ref: "refs/heads/main", before: Self.a, after: Self.b),
            RefUpdate(ref: "refs/tags/v1.0.0", before: nil, after: Self.b),
            RefUpdate(ref: "refs/heads/old", before: Self.a, after: nil),
        ])
        #expect(updates.map(\.branch) == ["main", nil, "old"])
        #expect(updates.map(\.tag) == [nil, "v1.0.0", nil])
    }
}
