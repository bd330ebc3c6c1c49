/// Where ACME state lives under the state directory: the account key, each host's certificate and
/// key, and the key authorizations the proxy answers HTTP-01 challenges with. The daemon writes
/// them, the proxy reads them: one layout for both.
package struct ACMEFiles: Sendable, Equatable {
    /// `<state>/acme`.
    package let root: String

    package init(stateDirectory: String) {
        root = stateDirectory + "/acme"
    }

    package var accountKey: String { root + "/account.key" }
    package var challenges: String { root + "/challenges" }
    package var certificates: String { root + "/certificates" }

    package func challenge(token: String) -> String { challenges + "/" + token }

    /// base64url characters only, what an ACME token is made of (RFC 8555 §8.3): only such a token
    /// names a challenge file, so no token from the CA or from a request can name another path.
    package static func isToken(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }
    package func certificateDirectory(host: String) -> String { certificates + "/" + host }
    package func certificate(host: String) -> String { certificateDirectory(host: host) + "/cert.pem" }
    package func key(host: String) -> String { certificateDirectory(host: host) + "/key.pem" }

    /// What the proxy is handed for `tls`: the configured pairs, then each ACME host's files, and
    /// no `acme` settings. So a change of the account's e-mail or of `renew_before` leaves the
    /// proxy's settings as they were (no replacement), while a new routed host gets its files
    /// served (a hand-off).
    package func served(_ tls: ProxyTLSConfig) -> ProxyTLSConfig {
        guard let acme = tls.acme else { return tls }
        var served = tls
        served.acme = nil
        served.certificates += acme.hosts.map { HostCertificate(host: $0, cert: certificate(host: $0), key: key(host: $0), acme: true) }
        return served
    }
}
