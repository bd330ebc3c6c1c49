import AsyncHTTPClient
import NIOCore

/// One request to the engine: method, API path, query and body.
struct EngineRequest: Sendable {
    enum Method: String, Sendable {
        case get = "GET"
        case head = "HEAD"
        case post = "POST"
        case delete = "DELETE"
    }

    var method: Method
    /// The API path without version: `/containers/create`.
    var path: String
    var query: [(name: String, value: String)] = []
    var body: HTTPClientRequest.Body?
    var contentType: String?
    /// Nil for streams that last as long as their caller wants (events, followed logs).
    var timeout: Duration? = DockerEngine.requestTimeout
    /// False only for `GET /version`, which settles the version of the others.
    var versioned = true

    init(_ method: Method, _ path: String, query: [(name: String, value: String)] = []) {
        self.method = method
        self.path = path
        self.query = query
    }

    /// `POST /containers/create`, for messages.
    var summary: String { "\(method.rawValue) \(path)" }

    /// Path and query, percent-encoded: `/v1.41/containers/json?all=1`.
    func target(version: APIVersion?) -> String {
        var text = (version.map { "/v\($0)" } ?? "") + path
        if !query.isEmpty {
            text += "?" + query.map { "\(Self.encode($0.name))=\(Self.encode($0.value))" }.joined(separator: "&")
        }
        return text
    }

    /// RFC 3986 unreserved characters stay; everything else is percent-encoded (JSON filters included).
    static func encode(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                encoded += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return encoded
    }
}
