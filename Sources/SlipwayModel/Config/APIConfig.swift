/// `api:`: the TCP listener of the daemon's API, beside the unix socket (which always stays).
/// Every request on it carries a bearer token (`slipway token create`).
package struct APIConfig: Sendable, Equatable {
    package var listen: SocketAddressSpec
    /// Required when `listen` is not a loopback address: tokens must not cross a network in clear.
    package var tls: TLSFiles?
    /// `tls: proxy`: the proxies' certificates (their files and ACME's), chosen by the client's SNI
    /// name and reloaded when they change, instead of files of the API's own.
    package var sharesProxyTLS: Bool

    package init(listen: SocketAddressSpec, tls: TLSFiles? = nil, sharesProxyTLS: Bool = false) {
        self.listen = listen
        self.tls = tls
        self.sharesProxyTLS = sharesProxyTLS
    }

    /// The scheme a client uses for this listener.
    package var scheme: String { tls == nil && !sharesProxyTLS ? "http" : "https" }
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
