import Crypto
import Foundation

/// GitHub's `X-Hub-Signature-256: sha256=<hex>`: the HMAC-SHA256 of the exact bytes of the body,
/// keyed with the webhook's secret (docs.github.com, "Validating webhook deliveries").
struct GitHubSignature: Sendable {
    /// The key's bytes (`SymmetricKey` is not `Sendable`; one is made per delivery).
    private let secret: Data

    init(secret: String) {
        self.secret = Data(secret.utf8)
    }

    private var key: SymmetricKey { SymmetricKey(data: secret) }

    enum Verdict: Equatable {
        case valid
        case missing
        /// Not `sha256=` and 64 hex digits.
        case malformed
        case mismatch
    }

    /// Whether `header` signs `body`. The comparison is `isValidAuthenticationCode`'s, in constant
    /// time: how long it takes does not tell how much of a forged signature was right.
    func verify(_ header: String?, body: some DataProtocol) -> Verdict {
        guard let header, !header.isEmpty else { return .missing }
        guard header.hasPrefix("sha256="), let code = Self.bytes(hex: header.dropFirst("sha256=".count)),
              code.count == SHA256.byteCount else { return .malformed }
        return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: body, using: key) ? .valid : .mismatch
    }

    /// `sha256=<hex>` of `body`: what GitHub sends (tests sign with it).
    func header(for body: some DataProtocol) -> String {
        "sha256=" + HMAC<SHA256>.authenticationCode(for: body, using: key).map { String(format: "%02x", $0) }.joined()
    }

    static func bytes(hex: Substring) -> [UInt8]? {
        guard hex.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
