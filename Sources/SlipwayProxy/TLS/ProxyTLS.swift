import Logging
import NIOSSL
import SlipwayModel
import SlipwayTLS
import Synchronization

/// TLS in front of the proxy's own HTTP/1.1 handler: where it listens, the certificates, the one
/// `NIOSSLContext` every TLS connection is made from, and the redirect of plain requests.
///
/// One context for every host: BoringSSL's certificate callback (`sslContextCallback`) runs for
/// each handshake, and the store answers with the pair for the client's SNI name, so a certificate
/// reloaded from disk serves the next handshake without a new context. ALPN offers http/1.1 only:
/// the data path is HTTP/1.1 framing (HTTP/2 is not implemented).
package final class ProxyTLS: Sendable {
    package let config: ProxyTLSConfig
    package let listen: SocketAddressSpec
    package let store: CertificateStore
    let context: NIOSSLContext
    /// With `redirect_http`: what plain requests are redirected by; nil otherwise.
    let redirect: HTTPSRedirect?
    /// With ACME hosts: the HTTP-01 answers the plain listener gives; nil otherwise.
    let challenges: ACMEChallengeAnswers?

    /// `stateDirectory`: where the ACME hosts' challenge answers are (`ACMEFiles`); nil: none answered.
    package init(_ config: ProxyTLSConfig, stateDirectory: String? = nil, logger: Logger) throws {
        guard let listen = config.listenAddress else {
            throw SlipwayError(.configInvalid, "proxy.tls.listen \(config.listen) is not host:port")
        }
        self.config = config
        self.listen = listen
        let store = try CertificateStore(config.certificates, logger: logger)
        self.store = store
        let configuration = Self.serverConfiguration(store)
        context = try NIOSSLContext(configuration: configuration)
        redirect = config.redirectHTTP
            ? HTTPSRedirect(hosts: config.certificates.map(\.host), port: listen.port,
                            awaitsCertificate: config.hasACMEHosts ? store.awaitsFirstCertificate : nil)
            : nil
        challenges = config.hasACMEHosts ? stateDirectory.map { ACMEChallengeAnswers(directory: ACMEFiles(stateDirectory: $0).challenges) } : nil
    }
}

extension ProxyTLS {
    /// A server's TLS settings whose certificate is `store`'s pair for each client's SNI name,
    /// chosen at every handshake (so a reloaded pair serves the next one): the proxy's, and the
    /// API's with `api.tls: proxy`.
    package static func serverConfiguration(_ store: CertificateStore) -> TLSConfiguration {
        var configuration: TLSConfiguration
        if let first = store.certificate(forServerName: nil) {
            configuration = .makeServerConfiguration(certificateChain: first.chain.map { .certificate($0) }, privateKey: .privateKey(first.key))
        } else {
            // Only ACME hosts, none issued yet: every certificate comes from the callback below. NIOSSL
            // has no server constructor without a key; the role is the server handler's, and a server
            // that verifies nothing asks no client for a certificate.
            configuration = .makeClientConfiguration()
            configuration.certificateVerification = .none
        }
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = ["http/1.1"]
        configuration.sslContextCallback = { values, promise in
            guard let served = store.certificate(forServerName: values.serverHostname) else {
                promise.fail(SlipwayError(.configInvalid, "no certificate is served yet (ACME has issued none)"))
                return
            }
            promise.succeed(served.override)
        }
        return configuration
    }
}

/// `redirect_http: true`: a plain request whose Host has a certificate is answered 308 to the same
/// URL over https, without reaching an upstream (kamal-proxy's `--tls-redirect`, nginx's `return 308`).
final class HTTPSRedirect: Sendable {
    let hosts: [String]
    /// The TLS listener's port, once bound (it is 0 in the config when the system picks it).
    let port: Atomic<Int>
    /// With ACME hosts: whether a host still waits for its first certificate (not redirected until it has one).
    let awaitsCertificate: (@Sendable (String) -> Bool)?

    init(hosts: [String], port: Int, awaitsCertificate: (@Sendable (String) -> Bool)? = nil) {
        self.hosts = hosts
        self.port = Atomic(port)
        self.awaitsCertificate = awaitsCertificate
    }

    /// `https://host[:port]/path?query` for a request with this Host and target; nil when the host
    /// has no certificate (it is served over plain HTTP as before).
    func location(hostHeader: String?, target: String) -> String? {
        guard let hostHeader, let host = Self.hostName(hostHeader) else { return nil }
        let name = HostNames.normalized(host)
        guard hosts.contains(where: { HostNames.matches($0, name) }), awaitsCertificate?(name) != true else { return nil }
        let port = self.port.load(ordering: .relaxed)
        let authority = port == 443 || port == 0 ? name : "\(name):\(port)"
        return "https://\(authority)\(Self.pathAndQuery(target))"
    }

    /// The host without its port; nil for an IPv6 literal (no certificate names one).
    private static func hostName(_ header: String) -> String? {
        guard !header.hasPrefix("[") else { return nil }
        guard let colon = header.lastIndex(of: ":") else { return header }
        return String(header[..<colon])
    }

    /// The origin-form of a target: as is, or the path of an absolute-form one (`http://h/p?q` → `/p?q`).
    private static func pathAndQuery(_ target: String) -> String {
        if target.hasPrefix("/") { return target }
        guard let scheme = target.range(of: "://") else { return "/" }
        let rest = target[scheme.upperBound...]
        guard let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
        let tail = String(rest[slash...])
        return tail.hasPrefix("?") ? "/" + tail : tail
    }
}
