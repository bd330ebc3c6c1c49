import Foundation
import SlipwayGit
import SlipwayModel
import Testing
@testable import SlipwayServer

/// The GitHub webhook's pure parts: the signature over the raw body, and the push event's fields.
@Suite struct GitHubWebhookTests {
    /// GitHub's own example ("Validating webhook deliveries").
    @Test func githubsDocumentedExampleVerifies() {
        let signature = GitHubSignature(secret: "It's a Secret to Everybody")
        let body = Data("Hello, World!".utf8)
        let expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        #expect(signature.header(for: body) == expected)
        #expect(signature.verify(expected, body: body) == .valid)
        #expect(signature.verify(expected.uppercased().replacingOccurrences(of: "SHA256=", with: "sha256="), body: body) == .valid)
    }

    @Test func aMissingMalformedOrWrongSignatureIsRefused() {
        let signature = GitHubSignature(secret: "right")
        let body = Data(#"{"ref":"refs/heads/main"}"#.utf8)
        let good = signature.header(for: body)
        #expect(signature.verify(nil, body: body) == .missing)
        #expect(signature.verify("", body: body) == .missing)
        #expect(signature.verify("sha1=" + good.dropFirst(7), body: body) == .malformed)
        #expect(signature.verify(String(good.dropLast(2)), body: body) == .malformed)
        #expect(signature.verify(good + "00", body: body) == .malformed)
        #expect(signature.verify("sha256=" + String(repeating: "z", count: 64), body: body) == .malformed)
        // Signed with another secret, or over other bytes (one space added).
        #expect(signature.verify(GitHubSignature(secret: "wrong").header(for: body), body: body) == .mismatch)
        #expect(signature.verify(good, body: Data(#"{"ref": "refs/heads/main"}"#.utf8)) == .mismatch)
    }

    static let a = String(repeating: "a", count: 40)
    static let zero = String(repeating: "0", count: 40)

    @Test func aPushEventNamesItsRefCommitsAndSender() throws {
        let body = """
            {"ref": "refs/tags/v1.2.3", "before": "\(Self.zero)", "after": "\(Self.a)", "created": true, "deleted": false,
             "repository": {"full_name": "octo/app"}, "pusher": {"name": "octo"}, "sender": {"login": "octocat", "id": 1}}
            """
        let push = try GitHubPush.parse(Data(body.utf8))
        #expect(push.update == RefUpdate(ref: "refs/tags/v1.2.3", before: nil, after: Self.a))
        #expect(push.actor == "github:octocat")
        let deleted = try GitHubPush.parse(Data(#"{"ref":"refs/heads/old","before":"\#(Self.a)","after":"\#(Self.zero)","deleted":true}"#.utf8))
        #expect(deleted.update.after == nil)
        #expect(deleted.actor == "github")
    }

    @Test(arguments: [
        "not json",
        #"{"before": "\#(a)", "after": "\#(a)"}"#,
        #"{"ref": "main", "before": "\#(a)", "after": "\#(a)"}"#,
        #"{"ref": "refs/heads/../x", "before": "\#(a)", "after": "\#(a)"}"#,
        #"{"ref": "refs/heads/main", "before": "\#(a)", "after": "--upload-pack=x"}"#,
    ])
    func aPushThatIsNotOneIsABadRequest(_ body: String) {
        #expect(throws: SlipwayError.self) { try GitHubPush.parse(Data(body.utf8)) }
    }

    @Test func onlyAPlainLoginBecomesTheActor() {
        #expect(GitHubPush.actor(login: "octo-cat") == "github:octo-cat")
        #expect(GitHubPush.actor(login: "root\nforged") == "github")
        #expect(GitHubPush.actor(login: String(repeating: "x", count: 40)) == "github")
        #expect(GitHubPush.actor(login: nil) == "github")
    }

    @Test func onlyTheWebhookRouteIsExemptFromBearerTokensAndEveryOtherNeedsARole() {
        #expect(APIEndpoint.githubHook.access == .signature)
        #expect(APIEndpoint.githubHook.described == "POST /v1/hooks/github")
        #expect(APIEndpoint.isSignatureAuthenticated(method: .post, path: "/v1/hooks/github"))
        #expect(!APIEndpoint.isSignatureAuthenticated(method: .get, path: "/v1/hooks/github"))
        #expect(!APIEndpoint.isSignatureAuthenticated(method: .post, path: "/v1/hooks/github/"))
        #expect(!APIEndpoint.isSignatureAuthenticated(method: .post, path: "/v1/deployments"))
        for endpoint in APIEndpoint.allCases where endpoint != .githubHook {
            #expect(endpoint.role != nil, "\(endpoint)")
        }
    }
}
