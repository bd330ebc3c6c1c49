/// `proxy.tls.acme:`: automatic certificates from an ACME CA (RFC 8555), proved by HTTP-01 through
/// the proxy's own plain listener.
package struct ACMEConfig: Sendable, Equatable, Codable {
    /// The account's contact (`mailto:`), where the CA writes about expiring certificates.
    package var email: String
    /// The CA's directory URL (`https://acme-v02.api.letsencrypt.org/directory`).
    package var directory: String
    /// `ca_file`, absolute: a PEM CA trusted for the directory besides the system's (Pebble, a
    /// private ACME server).
    package var caFile: String?
    /// A certificate is renewed once it expires within this long.
    package var renewBeforeSeconds: Int64
    /// Every routed host of the environment that `certificates:` does not cover, in the file's order.
    package var hosts: [String]

    package static let defaultRenewBefore = Duration.seconds(30 * 86_400)

    package init(email: String, directory: String, caFile: String? = nil, renewBefore: Duration = defaultRenewBefore,
                 hosts: [String] = []) {
        self.email = email
        self.directory = directory
        self.caFile = caFile
        self.renewBeforeSeconds = renewBefore.components.seconds
        self.hosts = hosts
    }

    package var renewBefore: Duration { .seconds(renewBeforeSeconds) }
}
