import Foundation
import NIOHTTP1
@testable import SlipwayACME
import Testing

/// What an ACME server's answers say: a problem document becomes an error with its type and
/// detail; `Retry-After` in seconds or as a date.
struct ProblemDocumentTests {
    @Test func aProblemKeepsItsTypeDetailAndSubproblems() throws {
        let json = #"""
            {"type": "urn:ietf:params:acme:error:rejectedIdentifier", "detail": "Some identifiers were rejected", "status": 400,
             "subproblems": [{"type": "urn:ietf:params:acme:error:malformed", "detail": "bad name", "identifier": {"type": "dns", "value": "_x"}}]}
            """#
        let error = try JSONDecoder().decode(ProblemDocument.self, from: Data(json.utf8)).error(status: 400)
        #expect(error.type == "urn:ietf:params:acme:error:rejectedIdentifier")
        #expect(error.status == 400)
        #expect(error.detail == "Some identifiers were rejected (urn:ietf:params:acme:error:malformed: bad name)")
        #expect(error.description == "urn:ietf:params:acme:error:rejectedIdentifier (HTTP 400): \(error.detail)")
        #expect(!error.isBadNonce && !error.isAccountUnknown)
        #expect(ACMEError(type: "urn:ietf:params:acme:error:badNonce", detail: "stale").isBadNonce)
        #expect(ACMEError(type: "urn:ietf:params:acme:error:accountDoesNotExist", detail: "gone").isAccountUnknown)
    }

    @Test func retryAfterIsSecondsOrAnHTTPDate() {
        func response(_ value: String?) -> ACMETransport.Response {
            var headers = HTTPHeaders()
            if let value { headers.add(name: "Retry-After", value: value) }
            return .init(status: 200, headers: headers, body: Data())
        }
        #expect(response("3").retryAfter == .seconds(3))
        #expect(response(nil).retryAfter == nil)
        #expect(response("soon").retryAfter == nil)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let inAMinute = formatter.string(from: Date().addingTimeInterval(60))
        let waited = response(inAMinute).retryAfter
        #expect(waited.map { $0 > .seconds(55) && $0 <= .seconds(61) } == true, "\(inAMinute): \(String(describing: waited))")
        #expect(response(formatter.string(from: Date().addingTimeInterval(-60))).retryAfter == .zero, "a date past: at once")
    }
}
