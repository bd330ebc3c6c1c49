import NIOCore
import NIOHTTP1
import SlipwayModel

/// One request on its way through the proxy, from the client's head to the upstream's end.
final class Exchange {
    let service: ServiceKey
    let upstream: LoopUpstream
    /// Encoded once, kept so the request can be replayed once on a fresh connection.
    let upstreamHead: ByteBuffer
    let client: ClientRequest
    /// A sticky service's cookie, added to the response: the release this request went to.
    let setCookie: String?

    var connection: UpstreamConnection?
    var connectionWasReused = false
    var retried = false
    /// Request parts read before a connection was ready. Bounded: the client isn't read while
    /// there is no connection to write to.
    var pendingParts = PartQueue<PendingRequestPart>()
    /// A body byte reached an upstream: the request can no longer be replayed.
    var bodyForwarded = false
    /// The request's end arrived.
    var requestEnded = false
    /// The request's last byte was written to the current connection.
    var requestSent = false
    var responseHead: ResponseHead?
    var closeClientAfterResponse = false
    /// When the response head must have arrived; nil while not waiting for one.
    var responseDeadline: NIODeadline?
    /// When its head was read: its latency, head to the response's end, is counted per upstream.
    let startedAt = NIODeadline.now()

    init(service: ServiceKey, upstream: LoopUpstream, upstreamHead: ByteBuffer, client: ClientRequest, setCookie: String? = nil) {
        self.setCookie = setCookie
        self.service = service
        self.upstream = upstream
        self.upstreamHead = upstreamHead
        self.client = client
    }

    /// A reused connection closed before any response byte, and replaying is safe.
    var canRetry: Bool {
        connectionWasReused && !retried && !bodyForwarded && responseHead == nil && client.method.isIdempotent
    }

    func cancelTimeout() {
        responseDeadline = nil
    }
}

/// What of a request waits for its upstream connection.
enum PendingRequestPart {
    case body(ByteBuffer)
    case end
}
