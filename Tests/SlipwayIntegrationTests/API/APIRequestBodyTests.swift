import Foundation
import SlipwayModel
import SlipwayTestSupport
import Testing

/// A malformed or incomplete request body is a 400 whose message names the field in the API's
/// own words (docs/API.md), never Swift's `DecodingError` description.
@Suite(.serialized) struct APIRequestBodyTests {
    static let cases: [(path: String, body: String, message: String)] = [
        ("/v1/deployments", #"{"actor": "tester"}"#, "body: field `service` is required"),
        ("/v1/deployments", #"{"service": "web", "ref": 2, "actor": "tester"}"#, "body: field `ref` must be a string"),
        ("/v1/deployments", #"{"service": null, "actor": "tester"}"#, "body: field `service` must be a string, not null"),
        ("/v1/deployments", #"{"service": "web", "ref": "HEAD", "actor": "tester", "trigger": "cron"}"#,
         "body: field `trigger` must be one of changed, push"),
        ("/v1/rollbacks", #"{"to": "v1"}"#, "body: field `service` is required"),
        ("/v1/rollbacks", #"{"service": "web", "to": ["v1"], "actor": "tester"}"#, "body: field `to` must be a string"),
        ("/v1/plans", #"{"to": "HEAD", "services": ["web", 3], "actor": "tester"}"#, "body: field `services[1]` must be a string"),
        ("/v1/plans", #"{"to": "HEAD", "services": "web", "actor": "tester"}"#, "body: field `services` must be a list"),
        ("/v1/runs", #"{"to": 7}"#, "body: field `to` must be a string"),
        ("/v1/tokens", #"{"name": "ci", "role": "root"}"#, "body: field `role` must be one of viewer, deployer, approver, admin"),
        ("/v1/tokens", #"{"role": "viewer"}"#, "body: field `name` is required"),
        ("/v1/deployments", #"{"service": "web", "#, "body: not valid JSON"),
        ("/v1/deployments", "", "body: empty; expected a JSON object"),
        ("/v1/plans", #"["web"]"#, "body: expected a JSON object"),
    ]

    @Test func malformedBodiesAreNamedInTheAPIsWords() async throws {
        try await withDaemonOverV1 { repository, daemon in
            let api = DaemonSocket(repository)
            for (path, body, message) in Self.cases {
                let answer = try await api.post(path, body)
                #expect(answer.status == 400, "\(path) \(body): \(answer.status) \(answer.body)")
                let error = try #require(answer.error, "\(path) \(body): \(answer.body)")
                #expect(error.code == .badRequest)
                #expect(error.exitCode == .refused)
                #expect(error.message == message, "\(path) \(body)")
                for swiftText in ["DecodingError", "CodingKeys", "debugDescription", "Swift."] {
                    #expect(!error.message.contains(swiftText), "\(path) \(body): \(error.message)")
                }
            }
            // Nothing was started by any of them.
            #expect(try await CLI(repository: repository).json([Deployment].self, "history").isEmpty)
        }
    }
}
