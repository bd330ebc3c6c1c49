import Foundation
import SlipwayModel
import SlipwayTLS

/// `proxy.tls:`: HTTPS with certificate files, one pair per host, and/or certificates from ACME.
///
/// ```yaml
/// tls:
///   listen: 0.0.0.0:443
///   certificates: { "www.example.com": { cert: certs/www.pem, key: certs/www.key } }
///   acme: { email: ops@example.com, directory: https://acme-v02.api.letsencrypt.org/directory }
///   redirect_http: true
/// ```
///
/// Each file is read and checked now (`CertificatePair`: PEM, validity, key, names), so a broken
/// certificate is a config error at its key, not a handshake failure in production. With `acme:`,
/// `certificates:` is optional: ACME covers the routed hosts it does not list.
struct ProxyTLSDecoder {
    let reader: ConfigReader
    let root: String
    let checksFiles: Bool

    static let keys = ConfigSchema.proxyTLS.keyNames

    /// The TLS settings, and the `acme` node when written (where "no routed host" is reported).
    func decode(_ node: ConfigNode, plain: SocketAddressSpec) -> (tls: ProxyTLSConfig?, acme: ConfigNode?) {
        guard let fields = reader.mapping(node, keys: Self.keys, expected: "a mapping with listen: and certificates: or acme:")
        else { return (nil, nil) }
        let acmeNode = fields["acme"]
        let acme = acmeNode.flatMap { ACMEDecoder(reader: reader, root: root, checksFiles: checksFiles).decode($0) }
        let listenNode = reader.required("listen", in: fields)
        let listen = listenNode.flatMap { reader.listenAddress($0, example: "0.0.0.0:443") }
        if let listen, let listenNode, listen.port != 0, listen.port == plain.port,
           listen.host == plain.host || ["0.0.0.0", "::"].contains(listen.host) || ["0.0.0.0", "::"].contains(plain.host) {
            reader.log.add("\(listenNode.found) is where proxy.listen serves plain HTTP; give TLS its own port", at: listenNode)
        }
        let redirect = fields["redirect_http"].flatMap { reader.bool($0) } ?? false
        let certificatesNode = acmeNode == nil ? reader.required("certificates", in: fields) : fields["certificates"]
        let certificates = certificatesNode.map(decodeCertificates) ?? []
        guard let listen, acme != nil || !certificates.isEmpty, acmeNode == nil || acme != nil else { return (nil, acmeNode) }
        return (ProxyTLSConfig(listen: listen, certificates: certificates, redirectHTTP: redirect, acme: acme), acmeNode)
    }

    private func decodeCertificates(_ node: ConfigNode) -> [HostCertificate] {
        guard let fields = reader.mapping(node, expected: "a mapping of host names to { cert: FILE, key: FILE }") else { return [] }
        if fields.entries.isEmpty {
            reader.log.add("expected at least one host with its certificate files", at: node)
            return []
        }
        return fields.entries.compactMap { entry in
            let host = HostNames.normalized(entry.key)
            let bare = host.hasPrefix("*.") ? String(host.dropFirst(2)) : host
            if RouteRules.normalizedHost(bare) == nil {
                reader.log.add("\(ConfigNode.quoted(entry.key)) is not a host name (www.example.com, or *.example.com)",
                               at: entry.keyPosition, path: entry.value.path)
                return nil
            }
            return decodePair(entry.value, host: host)
        }
    }

    private func decodePair(_ node: ConfigNode, host: String) -> HostCertificate? {
        guard let fields = reader.mapping(node, keys: ConfigSchema.certificateFiles.keyNames, expected: "a mapping with cert: and key:") else { return nil }
        let certNode = reader.required("cert", in: fields)
        let keyNode = reader.required("key", in: fields)
        let cert = certNode.flatMap { path($0, what: "the path of a PEM certificate chain") }
        let key = keyNode.flatMap { path($0, what: "the path of a PEM private key") }
        guard let cert, let key, let certNode, let keyNode else { return nil }
        if checksFiles {
            do {
                _ = try CertificatePair.load(cert: cert, key: key, host: host)
            } catch {
                let at = error.file == .cert ? certNode : keyNode
                reader.log.add("\(at.found): \(error.message)", at: at)
                return nil
            }
        }
        return HostCertificate(host: host, cert: cert, key: key)
    }

    private func path(_ node: ConfigNode, what: String) -> String? {
        guard let written = reader.nonEmptyString(node, expected: what) else { return nil }
        return written.hasPrefix("/") ? written : (root as NSString).appendingPathComponent(written)
    }
}
