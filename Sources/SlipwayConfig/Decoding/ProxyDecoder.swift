import SlipwayModel

/// `proxy:`, at the top level or in an environment: the listener, the client idle timeout and TLS.
struct ProxyDecoder {
    let reader: ConfigReader
    /// The directory certificate paths are relative to (the file's own).
    let root: String
    /// Whether the file was read from disk: then each certificate file is read and checked (a text
    /// parsed for a test names files that need not exist).
    let checksFiles: Bool

    static let keys = ConfigSchema.proxy.keyNames

    /// The proxy with what `node` writes over `defaults`, and the `listen` and `tls.acme` values when written.
    func decode(_ node: ConfigNode, over defaults: ProxyConfig = ProxyConfig()) -> (proxy: ProxyConfig, listen: ConfigNode?, acme: ConfigNode?) {
        var proxy = defaults
        var acme: ConfigNode?
        guard let fields = reader.mapping(node, keys: Self.keys) else { return (proxy, nil, nil) }
        if let idle = fields["idle_timeout"].flatMap({ reader.duration($0, positive: true) }) { proxy.idleTimeout = idle }
        if let listen = fields["listen"], let address = reader.listenAddress(listen, example: "127.0.0.1:8080") {
            proxy.listen = address
        }
        if let tls = fields["tls"] {
            (proxy.tls, acme) = ProxyTLSDecoder(reader: reader, root: root, checksFiles: checksFiles).decode(tls, plain: proxy.listen)
        }
        return (proxy, fields["listen"], acme)
    }
}
