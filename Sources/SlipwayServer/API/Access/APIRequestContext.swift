import Hummingbird
import NIOCore
import SlipwayModel

/// The context of every API request: the connection it came on, and who sent it once a
/// middleware established it (`UnixPeerAuthentication`, `BearerAuthentication`).
struct APIRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The accepted connection: its peer's credentials (unix socket) or address (TCP).
    let channel: any Channel
    /// Nil until a middleware established it; a route never runs without one (`APIAccess.authorize`).
    var caller: Caller?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The peer's address as the audit trail shows it: `10.0.0.7:51234`, `[::1]:4000`.
    var remoteAddress: String {
        guard let address = channel.remoteAddress else { return "an unknown address" }
        switch address {
        case .v4(let v4): return "\(v4.host):\(address.port ?? 0)"
        case .v6(let v6): return "[\(v6.host)]:\(address.port ?? 0)"
        case .unixDomainSocket: return "the unix socket"
        }
    }
}
