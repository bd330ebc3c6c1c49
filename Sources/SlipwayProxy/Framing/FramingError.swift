/// Why a message can't be framed. The proxy never guesses where a message ends: a request it can't
/// frame exactly is answered 400 (431 for a head too large) and its connection closed; a response,
/// an upstream failure (502 if no byte reached the client yet), its connection closed too, so no
/// byte of it can be read as the next message.
struct FramingError: Error, Equatable, CustomStringConvertible {
    enum Code: String, Sendable {
        case headTooLarge
        case bareLineFeed
        case bareCarriageReturn
        case obsoleteLineFolding
        case invalidStatusLine
        case invalidRequestLine
        case missingHost
        case multipleHost
        case transferEncodingInHTTP10
        case invalidHeaderName
        case invalidHeaderValue
        case invalidContentLength
        case conflictingContentLength
        case contentLengthWithTransferEncoding
        case unsupportedTransferEncoding
        case tabInTransferEncoding
        case invalidChunkSize
        case invalidChunkFraming
        case switchingProtocols
        case unexpectedBytes
        case truncatedMessage
    }

    var code: Code

    init(_ code: Code) {
        self.code = code
    }

    var description: String {
        switch code {
        case .headTooLarge: "head larger than the limit"
        case .bareLineFeed: "line ending without CR"
        case .bareCarriageReturn: "CR not followed by LF"
        case .obsoleteLineFolding: "folded header line"
        case .invalidStatusLine: "invalid status line"
        case .invalidRequestLine: "invalid request line"
        case .missingHost: "HTTP/1.1 request without a Host header"
        case .multipleHost: "more than one Host header"
        case .transferEncodingInHTTP10: "Transfer-Encoding in an HTTP/1.0 request"
        case .invalidHeaderName: "invalid header name"
        case .invalidHeaderValue: "invalid header value"
        case .invalidContentLength: "invalid Content-Length"
        case .conflictingContentLength: "a second Content-Length (a differing one in a response)"
        case .contentLengthWithTransferEncoding: "both Content-Length and Transfer-Encoding"
        case .unsupportedTransferEncoding: "Transfer-Encoding other than a final chunked"
        case .tabInTransferEncoding: "a tab in Transfer-Encoding"
        case .invalidChunkSize: "invalid chunk size"
        case .invalidChunkFraming: "invalid chunk framing"
        case .switchingProtocols: "101 Switching Protocols to a request without an upgrade"
        case .unexpectedBytes: "bytes after the end of the response"
        case .truncatedMessage: "connection closed before the end of the response"
        }
    }
}
