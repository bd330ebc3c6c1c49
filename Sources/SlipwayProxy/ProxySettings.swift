import NIOCore

/// The proxy's tunables, fixed at init.
struct ProxySettings: Sendable {
    /// Longest wait for an upstream's response head once the request is sent.
    var upstreamTimeout: TimeAmount
    var connectTimeout: TimeAmount
    /// Per upstream and per event loop; connections beyond it close when their exchange ends.
    var maxIdleConnectionsPerUpstream: Int
    /// A client connection with no request in progress is closed after this long.
    var clientIdleTimeout: TimeAmount
    /// Bytes buffered towards a peer before the other side stops being read.
    var writeBufferWaterMark: ChannelOptions.Types.WriteBufferWaterMark
    /// `proxy.tls.redirect_http`: plain requests for a host with a certificate go to https.
    var httpsRedirect: HTTPSRedirect?
    /// With ACME hosts: HTTP-01 answers on the plain listener, before the redirect and routing.
    var acmeChallenges: ACMEChallengeAnswers?
    /// The wall clock, in seconds since 1970: when a retired static site expires (`RetiredSite`:
    /// it outlives the process, so not a monotonic deadline). A test's own clock in tests.
    var now: @Sendable () -> Double
}
