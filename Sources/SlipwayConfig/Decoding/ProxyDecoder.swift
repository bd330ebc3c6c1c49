import SlipwayModel

/// `proxy:`, at the top level or in an environment: the listener and the client idle timeout.
struct ProxyDecoder {
    let reader: ConfigReader

    static let keys = ["listen", "idle_timeout"]

    /// The proxy with what `node` writes over `defaults`, and the `listen` value when written.
    func decode(_ node: ConfigNode, over defaults: ProxyConfig = ProxyConfig()) -> (proxy: ProxyConfig, listen: ConfigNode?) {
        var proxy = defaults
        guard let fields = reader.mapping(node, keys: Self.keys) else { return (proxy, nil) }
        if let idle = fields["idle_timeout"].flatMap({ reader.duration($0, positive: true) }) { proxy.idleTimeout = idle }
        if let listen = fields["listen"], let address = reader.listenAddress(listen, example: "127.0.0.1:8080") {
            proxy.listen = address
        }
        return (proxy, fields["listen"])
    }
}
