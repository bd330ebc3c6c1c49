import Foundation
import NIOHTTP1
import SlipwayModel

/// HTTP-01 (RFC 8555 §8.3): `GET /.well-known/acme-challenge/<token>` on the plain listener is
/// answered with the key authorization the daemon's ACME renewer wrote to `<directory>/<token>`,
/// for any Host, before `redirect_http` (the CA must be answered over plain HTTP) and before
/// routing (no service sees it).
///
/// The file is read on the event loop: it is a few dozen bytes in the local state directory, the
/// CA asks for it a handful of times per order, and a token that is not base64url is refused
/// before the disk is touched, so no request can name another path.
struct ACMEChallengeAnswers: Sendable {
    let directory: String
    static let prefix = "/.well-known/acme-challenge/"

    /// The answer to a request for this target, or nil when it asks for no challenge.
    func response(method: HTTPMethod, target: String) -> LocalResponse? {
        guard method == .GET, target.hasPrefix(Self.prefix) else { return nil }
        let token = target.dropFirst(Self.prefix.count)
        guard ACMEFiles.isToken(token), let data = FileManager.default.contents(atPath: directory + "/" + token),
              let answer = String(data: data, encoding: .utf8) else {
            return LocalResponse(status: .notFound, message: "no ACME challenge is pending for this token")
        }
        return LocalResponse(status: .ok, message: answer, contentType: "application/octet-stream")
    }
}
