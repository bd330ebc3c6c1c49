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
        if let listen = fields["listen"], let text = reader.string(listen, expected: "host:port like 127.0.0.1:8080") {
            switch ListenAddress.parse(text) {
            case .success(let address):
                proxy.listen = address
            case .failure(.notHostAndPort):
                reader.log.add("expected host:port like 127.0.0.1:8080 or [::1]:8080, got \(listen.found)", at: listen)
            case .failure(.portOutOfRange):
                reader.log.add("expected a port from 0 to 65535, got \(listen.found)", at: listen)
            case .failure(.malformedIPv4):
                reader.log.add("expected an IPv4 address of four numbers from 0 to 255 like 127.0.0.1, got \(listen.found)",
                               at: listen)
            case .failure(.malformedIPv6):
                reader.log.add("expected an IPv6 address in brackets like [::1]:8080, got \(listen.found)", at: listen)
            }
        }
        return (proxy, fields["listen"])
    }
}
