/// `proxy.tls:`: where the proxy terminates TLS and with which certificate files, one pair per host.
///
/// Codable: the daemon hands it to `slipway proxy run` as JSON, and the proxy reports it in its
/// status so that a daemon configured otherwise replaces it (a hand-off).
package struct ProxyTLSConfig: Sendable, Equatable, Codable {
    /// `host:port` as written (`0.0.0.0:443`).
    package var listen: String
    /// In the file's order: the first is what a client without SNI, or naming no configured host, gets (nginx's default server).
    package var certificates: [HostCertificate]
    /// Plain-HTTP requests whose host has a certificate are answered 308 to https.
    package var redirectHTTP: Bool

    package init(listen: SocketAddressSpec, certificates: [HostCertificate], redirectHTTP: Bool = false) {
        self.listen = listen.description
        self.certificates = certificates
        self.redirectHTTP = redirectHTTP
    }

    package var listenAddress: SocketAddressSpec? { SocketAddressSpec(parsing: listen) }
}

/// One host's certificate chain and private key (PEM files, absolute paths). The host is a name
/// (`www.example.com`) or a wildcard of one label (`*.example.com`).
package struct HostCertificate: Sendable, Equatable, Codable {
    package var host: String
    package var cert: String
    package var key: String

    package init(host: String, cert: String, key: String) {
        self.host = host
        self.cert = cert
        self.key = key
    }
}
