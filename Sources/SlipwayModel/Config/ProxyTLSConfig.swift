/// `proxy.tls:`: where the proxy terminates TLS and with which certificate files, one pair per host.
///
/// Codable: the daemon hands it to `slipway proxy run` as JSON, and the proxy reports it in its
/// status so that a daemon configured otherwise replaces it (a hand-off). Records written before
/// ACME (no `acme`, no `HostCertificate.acme`) still decode.
package struct ProxyTLSConfig: Sendable, Equatable, Codable {
    /// `host:port` as written (`0.0.0.0:443`).
    package var listen: String
    /// In the file's order: the first is what a client without SNI, or naming no configured host, gets (nginx's default server).
    package var certificates: [HostCertificate]
    /// Plain-HTTP requests whose host has a certificate are answered 308 to https.
    package var redirectHTTP: Bool
    /// `acme:`: certificates ordered from an ACME CA for the routed hosts `certificates` does not
    /// cover. Nil in what the proxy is handed: it needs the files only (`ACMEFiles.served`).
    package var acme: ACMEConfig?

    package init(listen: SocketAddressSpec, certificates: [HostCertificate], redirectHTTP: Bool = false, acme: ACMEConfig? = nil) {
        self.listen = listen.description
        self.certificates = certificates
        self.redirectHTTP = redirectHTTP
        self.acme = acme
    }

    package var listenAddress: SocketAddressSpec? { SocketAddressSpec(parsing: listen) }

    /// Whether some host's files are written by the daemon's ACME renewer: the proxy then answers
    /// HTTP-01 challenges, and waits for those files instead of refusing to start without them.
    package var hasACMEHosts: Bool { acme != nil || certificates.contains(where: \.acme) }
}

/// One host's certificate chain and private key (PEM files, absolute paths). The host is a name
/// (`www.example.com`) or a wildcard of one label (`*.example.com`).
package struct HostCertificate: Sendable, Equatable, Codable {
    package var host: String
    package var cert: String
    package var key: String
    /// The files are the ACME renewer's: absent until the first certificate is issued.
    package var acme: Bool

    package init(host: String, cert: String, key: String, acme: Bool = false) {
        self.host = host
        self.cert = cert
        self.key = key
        self.acme = acme
    }

    private enum CodingKeys: String, CodingKey { case host, cert, key, acme }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        host = try container.decode(String.self, forKey: .host)
        cert = try container.decode(String.self, forKey: .cert)
        key = try container.decode(String.self, forKey: .key)
        acme = try container.decodeIfPresent(Bool.self, forKey: .acme) ?? false
    }
}
