/// `api:`: the TCP listener of the daemon's API, beside the unix socket (which always stays).
/// Every request on it carries a bearer token (`slipway token create`).
package struct APIConfig: Sendable, Equatable {
    package var listen: SocketAddressSpec
    /// Required when `listen` is not a loopback address: tokens must not cross a network in clear.
    package var tls: TLSFiles?

    package init(listen: SocketAddressSpec, tls: TLSFiles? = nil) {
        self.listen = listen
        self.tls = tls
    }

    /// The scheme a client uses for this listener.
    package var scheme: String { tls == nil ? "http" : "https" }
}

/// A certificate chain and its private key, PEM files, as absolute paths (written relative to
/// the directory of `slipway.yml`).
package struct TLSFiles: Sendable, Equatable {
    package var cert: String
    package var key: String

    package init(cert: String, key: String) {
        self.cert = cert
        self.key = key
    }
}
