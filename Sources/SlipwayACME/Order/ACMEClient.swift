import Foundation
import Logging
import SlipwayModel
import SlipwayTLS

/// Orders one host's certificate from an ACME server (RFC 8555): the account (made once, its URL
/// kept), a new order, each authorization proved by HTTP-01 through `challenges`, then finalize
/// with a fresh key's CSR and the chain downloaded. Waits as the server says (`Retry-After`).
package actor ACMEClient {
    private let transport: ACMETransport
    private let config: ACMEConfig
    private let key: AccountKey
    private let challenges: ChallengeFiles
    private let logger: Logger
    /// The account's URL (`kid`), once the server gave it.
    private var account: String?
    /// How long one order may take, polls included, before it is given up.
    private let deadline: Duration

    package init(config: ACMEConfig, key: AccountKey, challenges: ChallengeFiles, logger: Logger,
                 deadline: Duration = .seconds(300)) throws {
        self.transport = try ACMETransport(directoryURL: config.directory, caFile: config.caFile)
        self.config = config
        self.key = key
        self.challenges = challenges
        self.logger = logger
        self.deadline = deadline
    }

    package func shutdown() async {
        await transport.shutdown()
    }

    /// A certificate for `host`, or an `ACMEError` naming the server's problem.
    package func issue(host: String) async throws -> IssuedCertificate {
        do {
            return try await order(host: host)
        } catch let error as ACMEError where error.isAccountUnknown {
            // The server forgot the account (a restarted test CA, a deactivation): make it again, once.
            logger.warning("the ACME server does not know the account; registering it again", metadata: ["host": "\(host)"])
            account = nil
            return try await order(host: host)
        }
    }

    private func order(host: String) async throws -> IssuedCertificate {
        let started = ContinuousClock.now
        let kid = try await accountURL()
        let directory = try await transport.directoryResource()
        let payload = try JSONSerialization.data(withJSONObject: ["identifiers": [["type": "dns", "value": host]]])
        let created = try await transport.post(directory.newOrder, payload: payload, key: key, signer: .kid(kid))
        guard let orderURL = created.location else {
            throw ACMEError.local("malformed", "newOrder gave no Location for the order")
        }
        var order = try created.decode(ACMEOrder.self, what: "order")
        for authorization in order.authorizations {
            try await prove(authorization, host: host, kid: kid, started: started)
        }
        let request = try CertificateRequest(host: host)
        let csr = try JSONSerialization.data(withJSONObject: ["csr": Base64URL.encode(request.der)])
        order = try await transport.post(order.finalize, payload: csr, key: key, signer: .kid(kid))
            .decode(ACMEOrder.self, what: "order")
        while order.status == "processing" || order.status == "ready" || order.status == "pending" {
            try await wait(started: started, for: nil, what: "the order of \(host) to be issued")
            order = try await transport.post(orderURL, payload: nil, key: key, signer: .kid(kid)).decode(ACMEOrder.self, what: "order")
        }
        guard order.status == "valid", let certificateURL = order.certificate else {
            throw order.error?.error(status: nil)
                ?? ACMEError.local("order", "the order of \(host) ended \(order.status) with no certificate")
        }
        let chain = try await transport.post(certificateURL, payload: nil, key: key, signer: .kid(kid)).body
        let keyPEM = try request.keyPEM
        do {
            let pair = try CertificatePair.check(chainPEM: Array(chain), keyPEM: Array(keyPEM.utf8), host: host)
            return IssuedCertificate(host: host, chainPEM: String(decoding: chain, as: UTF8.self), keyPEM: keyPEM,
                                     notBefore: pair.leaf.notValidBefore, notAfter: pair.leaf.notValidAfter)
        } catch {
            throw ACMEError.local("certificate", "the certificate issued for \(host) \(error.message)")
        }
    }

    /// newAccount with the key as `jwk` (RFC 8555 §7.3); an account that exists for the key is
    /// answered 200 with the same URL, so this is safe to repeat.
    private func accountURL() async throws -> String {
        if let account { return account }
        let directory = try await transport.directoryResource()
        let payload = try JSONSerialization.data(withJSONObject: [
            "termsOfServiceAgreed": true, "contact": ["mailto:\(config.email)"],
        ] as [String: Any])
        let response = try await transport.post(directory.newAccount, payload: payload, key: key, signer: .jwk)
        guard let url = response.location else {
            throw ACMEError.local("malformed", "newAccount gave no Location for the account")
        }
        account = url
        return url
    }

    /// One authorization: nothing to do when it is already valid (the server reused a recent
    /// proof); else its HTTP-01 answer is published, the server told to look, and the
    /// authorization polled until it is decided. The answer is withdrawn either way.
    private func prove(_ url: String, host: String, kid: String, started: ContinuousClock.Instant) async throws {
        var authorization = try await transport.post(url, payload: nil, key: key, signer: .kid(kid))
            .decode(ACMEAuthorization.self, what: "authorization")
        guard authorization.status != "valid" else { return }
        guard authorization.status == "pending" else {
            throw ACMEError.local("authorization", "the authorization of \(authorization.identifier.value) is \(authorization.status)")
        }
        guard let challenge = authorization.challenges.first(where: { $0.type == "http-01" }), let token = challenge.token else {
            throw ACMEError.local("authorization", "the server offers no http-01 challenge for \(authorization.identifier.value) "
                                  + "(offered: \(authorization.challenges.map(\.type).joined(separator: ", ")))")
        }
        try challenges.publish(token: token, keyAuthorization: key.keyAuthorization(token: token))
        defer { challenges.withdraw(token: token) }
        var response = try await transport.post(challenge.url, payload: Data("{}".utf8), key: key, signer: .kid(kid))
        while authorization.status == "pending" {
            try await wait(started: started, for: response.retryAfter, what: "the challenge of \(host) to be validated")
            response = try await transport.post(url, payload: nil, key: key, signer: .kid(kid))
            authorization = try response.decode(ACMEAuthorization.self, what: "authorization")
        }
        guard authorization.status == "valid" else {
            let failed = authorization.challenges.first { $0.type == "http-01" }
            throw failed?.error?.error(status: nil)
                ?? ACMEError.local("authorization", "the authorization of \(host) ended \(authorization.status)")
        }
    }

    /// As long as the server asks (`Retry-After`, at most 10 s), else a second; never past the deadline.
    private func wait(started: ContinuousClock.Instant, for retryAfter: Duration?, what: String) async throws {
        guard ContinuousClock.now - started < deadline else {
            throw ACMEError.local("timeout", "gave up waiting for \(what) after \(deadline)")
        }
        try await Task.sleep(for: min(max(retryAfter ?? .seconds(1), .milliseconds(200)), .seconds(10)))
    }
}
