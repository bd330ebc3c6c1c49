import NIOCore
import NIOHTTP1
import SlipwayModel

/// A response the proxy gives itself when no upstream can: a status and one short line of text
/// (or, for maintenance, a small HTML page to a client that asks for HTML).
struct LocalResponse {
    var status: HTTPResponseStatus
    var message: String
    /// Seconds, for `Retry-After`: set on the answers that say "later" (paused, maintenance).
    var retryAfter: Int?
    /// Sent as `text/html` instead of `message`.
    var page: String?
    /// `Location`, for a redirect.
    var location: String?
    /// Set: `message` is the body exactly, with this type (an ACME key authorization), not a line of text.
    var contentType: String?

    init(status: HTTPResponseStatus, message: String, retryAfter: Int? = nil, page: String? = nil, location: String? = nil,
         contentType: String? = nil) {
        self.status = status
        self.message = message
        self.retryAfter = retryAfter
        self.page = page
        self.location = location
        self.contentType = contentType
    }

    /// `redirect_http`: 308 keeps the method and body (a POST stays a POST), unlike 301.
    static func redirect(to location: String) -> LocalResponse {
        LocalResponse(status: .permanentRedirect, message: "moved to \(location)", location: location)
    }

    /// A paused service's request that waited its whole hold (`slipway proxy pause`).
    static func paused(service: ServiceKey, hold: TimeAmount) -> LocalResponse {
        LocalResponse(status: .serviceUnavailable,
                      message: "service \(service) is paused; this request waited \(DurationText.format(Duration(hold)))",
                      retryAfter: 1)
    }

    /// `slipway proxy maintenance`: the message, escaped into a page for a browser.
    static func maintenance(_ message: String, html: Bool) -> LocalResponse {
        LocalResponse(status: .serviceUnavailable, message: message, retryAfter: maintenanceRetryAfter,
                      page: html ? MaintenancePage.html(message) : nil)
    }

    /// A maintenance is usually minutes long: clients and crawlers are asked to come back in one.
    static let maintenanceRetryAfter = 60

    static let noRoute = LocalResponse(status: .notFound, message: "no service routes this request")

    static let upgradeNotSupported = LocalResponse(
        status: .notImplemented,
        message: "protocol upgrades (WebSocket) are not supported by the slipway proxy"
    )

    static let connectNotSupported = LocalResponse(
        status: .notImplemented,
        message: "CONNECT tunnels are not supported by the slipway proxy"
    )

    static func noUpstream(service: ServiceKey) -> LocalResponse {
        LocalResponse(status: .serviceUnavailable, message: "service \(service) has no healthy release")
    }

    static func unreachable(service: ServiceKey, upstream: String, reason: String) -> LocalResponse {
        LocalResponse(status: .badGateway, message: "service \(service) is unreachable at \(upstream): \(reason)")
    }

    static func timedOut(service: ServiceKey, upstream: String, after timeout: TimeAmount) -> LocalResponse {
        LocalResponse(
            status: .gatewayTimeout,
            message: "service \(service) at \(upstream) did not answer within \(DurationText.format(Duration(timeout)))"
        )
    }

    static func clientTimedOut(after timeout: TimeAmount) -> LocalResponse {
        LocalResponse(
            status: .requestTimeout,
            message: "the request body stopped arriving for \(DurationText.format(Duration(timeout)))"
        )
    }

    /// The whole response, encoded for the client's HTTP version.
    func encoded(for request: ClientRequest, close: Bool, allocator: ByteBufferAllocator) -> ByteBuffer {
        let body = page ?? (contentType == nil ? message + "\n" : message)
        var out = allocator.buffer(capacity: 160 + body.utf8.count)
        out.writeString("HTTP/\(request.version.major).\(request.version.minor) \(status.code) \(status.reasonPhrase)\r\n")
        if let contentType {
            out.writeString("content-type: \(contentType)\r\n")
        } else if page != nil {
            out.writeStaticString("content-type: text/html; charset=utf-8\r\n")
        } else {
            out.writeStaticString("content-type: text/plain; charset=utf-8\r\n")
        }
        if let retryAfter { out.writeString("retry-after: \(retryAfter)\r\n") }
        if let location { out.writeString("location: \(location)\r\n") }
        out.writeString("content-length: \(body.utf8.count)\r\n")
        if close {
            out.writeStaticString("connection: close\r\n")
        } else if request.version.minor == 0 {
            out.writeStaticString("connection: keep-alive\r\n")
        }
        out.writeStaticString("\r\n")
        out.writeString(body)
        return out
    }

    /// The answer to a request that can't be framed, as NIO's `HTTPServerProtocolErrorHandler`
    /// gave it (400, no body, close), or 431 for a head too large (as nginx).
    static func refusal(_ error: FramingError, allocator: ByteBufferAllocator) -> ByteBuffer {
        if error.code == .headTooLarge {
            return allocator.buffer(staticString: "HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\ncontent-length: 0\r\n\r\n")
        }
        return allocator.buffer(staticString: "HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n")
    }
}
