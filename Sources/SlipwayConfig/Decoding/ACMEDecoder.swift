import Foundation
import SlipwayModel

/// `proxy.tls.acme:`: automatic certificates from an ACME CA.
///
/// ```yaml
/// acme:
///   email: ops@example.com
///   directory: https://acme-v02.api.letsencrypt.org/directory
///   ca_file: certs/pebble-ca.pem   # optional: a CA to trust for the directory besides the system's
///   renew_before: 30d              # default 30d
/// ```
///
/// The hosts it covers are the environment's routed hosts, filled in once the services are decoded
/// (`ACMEHosts`).
struct ACMEDecoder {
    let reader: ConfigReader
    let root: String
    let checksFiles: Bool

    static let keys = ConfigSchema.acme.keyNames

    func decode(_ node: ConfigNode) -> ACMEConfig? {
        guard let fields = reader.mapping(node, keys: Self.keys, expected: "a mapping with email: and directory:") else { return nil }
        let email = reader.required("email", in: fields).flatMap(email)
        let directory = reader.required("directory", in: fields).flatMap(directory)
        let caFile = fields["ca_file"].map(caFile)
        let renewBefore = fields["renew_before"].map { reader.duration($0, positive: true) }
        guard let email, let directory, caFile != .some(nil), renewBefore != .some(nil) else { return nil }
        return ACMEConfig(email: email, directory: directory, caFile: caFile ?? nil,
                          renewBefore: (renewBefore ?? nil) ?? ACMEConfig.defaultRenewBefore)
    }

    /// One address, as the CA sends mail to it: `local@domain` with no spaces, no `mailto:`.
    private func email(_ node: ConfigNode) -> String? {
        guard let text = reader.nonEmptyString(node, expected: "an e-mail address like ops@example.com") else { return nil }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        let valid = parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && RouteRules.normalizedHost(String(parts[1])) != nil
            && !text.unicodeScalars.contains { $0.properties.isWhitespace || $0 == "," || $0 < " " }
        guard valid else {
            reader.log.add("expected an e-mail address like ops@example.com, got \(node.found)", at: node)
            return nil
        }
        return text
    }

    /// RFC 8555 §6.1: every ACME request goes over https.
    private func directory(_ node: ConfigNode) -> String? {
        guard let text = reader.nonEmptyString(node, expected: "the https URL of the CA's ACME directory") else { return nil }
        guard let url = URL(string: text), url.scheme == "https", let host = url.host, !host.isEmpty else {
            reader.log.add("expected the https URL of the CA's ACME directory, like "
                           + "https://acme-v02.api.letsencrypt.org/directory, got \(node.found)", at: node)
            return nil
        }
        return text
    }

    /// Read now when the file was read from disk, so a CA that cannot be trusted is a config error,
    /// not a failed order at 3 a.m.
    private func caFile(_ node: ConfigNode) -> String? {
        guard let written = reader.nonEmptyString(node, expected: "the path of a PEM CA certificate") else { return nil }
        let path = written.hasPrefix("/") ? written : (root as NSString).appendingPathComponent(written)
        if checksFiles {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                reader.log.add("\(node.found): cannot read \(path)", at: node)
                return nil
            }
            guard text.contains("-----BEGIN CERTIFICATE-----") else {
                reader.log.add("\(node.found): \(path) holds no PEM certificate", at: node)
                return nil
            }
        }
        return path
    }
}
