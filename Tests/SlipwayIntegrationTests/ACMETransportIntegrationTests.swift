import Foundation
@testable import SlipwayACME
import SlipwayTestSupport
import Testing

/// The ACME client's HTTP against a real Pebble: a nonce the server refuses (`badNonce`) is
/// sent again with the fresh one its answer carries; newAccount for a known key gives the same
/// account; the server's problems arrive with their ACME type.
@Suite(.serialized, .enabled(if: Pebble.isInstalled || Pebble.isCI))
struct ACMETransportIntegrationTests {
    @Test func aRefusedNonceIsRetriedOnceAndAnAccountIsFoundAgainByItsKey() async throws {
        try #require(Pebble.isInstalled, "pebble and pebble-challtestsrv are needed (apt-get install pebble)")
        let pebble = try Pebble()
        let dns = try pebble.startDNS()
        defer { kill(dns.pid, SIGTERM) }
        let server = try await pebble.start(httpPort: try ProxyProcessIntegrationTests.freePort(), validity: 60)
        defer { kill(server.pid, SIGTERM) }
        let transport = try ACMETransport(directoryURL: pebble.directoryURL, caFile: pebble.caFile)
        do {
            try await exercise(transport)
        } catch {
            await transport.shutdown()
            throw error
        }
        await transport.shutdown()
    }

    private func exercise(_ transport: ACMETransport) async throws {
        let key = AccountKey()
        let directory = try await transport.directoryResource()
        let payload = Data(#"{"termsOfServiceAgreed": true, "contact": ["mailto:ops@example.test"]}"#.utf8)

        // A nonce Pebble never issued: refused with badNonce, then sent again with the fresh one.
        await transport.seed(nonce: "bm90LWEtbm9uY2U")
        let created = try await transport.post(directory.newAccount, payload: payload, key: key, signer: .jwk)
        #expect(created.status == 201)
        let account = try #require(created.location)
        let again = try await transport.post(directory.newAccount, payload: payload, key: key, signer: .jwk)
        #expect(again.status == 200 && again.location == account, "the same key is the same account")

        // A problem of the server's arrives with its ACME type and detail.
        let wrong = Data(#"{"identifiers": [{"type": "dns", "value": "not a host name"}]}"#.utf8)
        await #expect {
            try await transport.post(directory.newOrder, payload: wrong, key: key, signer: .kid(account))
        } throws: { error in
            guard let error = error as? ACMEError else { return false }
            return error.type.hasPrefix("urn:ietf:params:acme:error:") && error.status == 400 && !error.detail.isEmpty
        }
    }
}

extension ACMETransport {
    func seed(nonce: String) { nonces.append(nonce) }
}
