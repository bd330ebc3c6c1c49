import Foundation
import SlipwayModel
import SlipwayNotify
import Testing

/// A static site's `purge:` step against a local receiver standing in for a CDN's API.
@Suite struct PurgeSenderTests {
    static let quick = DeliveryPolicy(attemptTimeout: .seconds(2), initialBackoff: .milliseconds(50), maxBackoff: .milliseconds(200))

    @Test func thePurgeIsSentWithItsMethodAndHeaders() async throws {
        try await withReceiver(answer: { _, _ in .status(202) }) { receiver in
            let sender = HTTPPurgeSender(policy: Self.quick)
            let failure = await sender.send(method: "PURGE", url: receiver.baseURL + "/purge/site?all=1",
                                            headers: [HeaderField(name: "Authorization", value: "Bearer t0ken")], timeout: .seconds(5))
            #expect(failure == nil)
            let request = try #require(receiver.requests.first)
            #expect(request.method == "PURGE")
            #expect(request.uri == "/purge/site?all=1")
            #expect(request.header("Authorization") == "Bearer t0ken")
            #expect(request.body.isEmpty)
        }
    }

    @Test func aServerErrorIsTriedAgainAndARefusalIsNot() async throws {
        try await withReceiver(answer: { number, _ in number == 0 ? .status(503) : .status(200) }) { receiver in
            let failure = await HTTPPurgeSender(policy: Self.quick).send(method: "POST", url: receiver.baseURL + "/p", headers: [],
                                                                         timeout: .seconds(5))
            #expect(failure == nil)
            #expect(receiver.requests.count == 2)
        }
        try await withReceiver(answer: { _, _ in .status(403, body: "token revoked") }) { receiver in
            let failure = await HTTPPurgeSender(policy: Self.quick).send(method: "POST", url: receiver.baseURL + "/p", headers: [],
                                                                         timeout: .seconds(5))
            #expect(failure == "HTTP 403: token revoked")
            #expect(receiver.requests.count == 1)
        }
    }
}
