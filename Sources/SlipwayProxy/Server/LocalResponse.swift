import NIOCore
import NIOHTTP1
import SlipwayModel

/// A response the proxy gives itself when no upstream can: a status and one short line of text.
struct LocalResponse {
    var status: HTTPResponseStatus
    var message: String

    static let noRoute = LocalResponse(status: .notFound, message: "no service routes this request")

    static let upgradeNotSupported = LocalResponse(
        status: .notImplemented,
        message: "protocol upgrades (WebSocket) are not supported by the slipway proxy"
    )

    static func noUpstream(service: String) -> LocalResponse {
        LocalResponse(status: .serviceUnavailable, message: "service \(service) has no healthy release")
    }

    static func unreachable(service: String, upstream: String, reason: String) -> LocalResponse {
        LocalResponse(status: .badGateway, message: "service \(service) is unreachable at \(upstream): \(reason)")
    }

    static func timedOut(service: String, upstream: String, after timeout: TimeAmount) -> LocalResponse {
        LocalResponse(
            status: .gatewayTimeout,
            message: "service \(service) at \(upstream) did not answer within \(DurationText.format(Duration(timeout)))"
        )
    }

    func head(for request: ClientRequest, close: Bool, bodyLength: Int) -> HTTPResponseHead {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "text/plain; charset=utf-8")
        headers.add(name: "content-length", value: String(bodyLength))
        if close {
            headers.add(name: "connection", value: "close")
        } else if request.version.minor == 0 {
            headers.add(name: "connection", value: "keep-alive")
        }
        return HTTPResponseHead(version: request.version, status: status, headers: headers)
    }

    func body(allocator: ByteBufferAllocator) -> ByteBuffer {
        allocator.buffer(string: message + "\n")
    }
}
