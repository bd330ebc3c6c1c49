/// How the body of a message ends (RFC 9112 §6.3).
enum BodyFraming: Equatable {
    /// No body: a HEAD response, 1xx, 204, 304.
    case none
    case length(Int)
    case chunked
    /// No Content-Length nor Transfer-Encoding: the body ends when the connection closes.
    case untilClose
}
