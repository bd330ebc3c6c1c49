import Foundation
import SlipwayModel

/// `api:`: the TCP listener of the API and its TLS files.
///
/// ```yaml
/// api:
///   listen: 127.0.0.1:7070
///   tls: { cert: certs/api.pem, key: certs/api.key }   # required when listen is not loopback
///   # or tls: proxy — the proxies' certificates (proxy.tls: files and ACME's), by SNI
/// ```
struct APIDecoder {
    let reader: ConfigReader
    /// The directory holding the file, when it was read from one: where the TLS files must be.
    let repository: String?
    /// The directory relative paths are resolved against (the file's own).
    let root: String

    func decode(_ node: ConfigNode) -> APIConfig? {
        guard let fields = reader.mapping(node, keys: ConfigSchema.api.keyNames) else { return nil }
        guard let listenNode = reader.required("listen", in: fields) else { return nil }
        guard let listen = reader.listenAddress(listenNode, example: "127.0.0.1:7070") else { return nil }
        // Whether a proxy has TLS to share is known once the environments are read (ProjectDecoder).
        if fields["tls"]?.scalarText == "proxy" { return APIConfig(listen: listen, sharesProxyTLS: true) }
        let tls = fields["tls"].flatMap(decodeTLS)
        if fields["tls"] == nil, !ListenAddress.isLoopback(listen.host) {
            reader.log.add("\(listenNode.found) is not a loopback address: bearer tokens would cross the network in clear; "
                           + "add tls: { cert: FILE, key: FILE } or tls: proxy, or listen on 127.0.0.1 or [::1]", at: listenNode)
            return nil
        }
        return APIConfig(listen: listen, tls: tls)
    }

    private func decodeTLS(_ node: ConfigNode) -> TLSFiles? {
        guard let fields = reader.mapping(node, keys: ConfigSchema.apiTLSFiles.keyNames, expected: "a mapping with cert: and key:, or proxy") else { return nil }
        let cert = reader.required("cert", in: fields).flatMap { file($0, what: "certificate chain") }
        let key = reader.required("key", in: fields).flatMap { file($0, what: "private key") }
        guard let cert, let key else { return nil }
        return TLSFiles(cert: cert, key: key)
    }

    /// A PEM file's absolute path; when the file was read from a repository, it must be a readable file.
    private func file(_ node: ConfigNode, what: String) -> String? {
        guard let written = reader.nonEmptyString(node, expected: "the path of a PEM file (\(what))") else { return nil }
        let path = written.hasPrefix("/") ? written : (root as NSString).appendingPathComponent(written)
        guard repository != nil else { return path }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            reader.log.add("no file \(node.found) (\(path)): the TLS \(what) must exist when the daemon starts", at: node)
            return nil
        }
        guard !isDirectory.boolValue else {
            reader.log.add("\(node.found) is a directory, not a PEM file (\(what))", at: node)
            return nil
        }
        guard access(path, R_OK) == 0 else {
            reader.log.add("cannot read \(node.found) (\(path)): \(String(cString: strerror(errno)))", at: node)
            return nil
        }
        return path
    }
}
