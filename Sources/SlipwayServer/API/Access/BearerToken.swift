import Crypto
import Foundation

/// A bearer token's value and what is kept of it. The value is `slw_` and 64 hex digits: 256 bits
/// from the system's random generator (getrandom), the prefix so that a secret scanner (and a person)
/// can tell what it is. Only its SHA-256 is stored: the state database leaks no usable credential.
enum BearerToken {
    static let prefix = "slw_"

    static func generate() -> String { prefix + randomHex(bytes: 32) }

    /// `bytes` bytes from the system's random generator, as hex: tokens, session ids, CSRF tokens.
    static func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }

    static func hash(_ value: String) -> Data {
        Data(SHA256.hash(data: Data(value.utf8)))
    }

    /// Whether two hashes are equal, in a time that depends only on their length: every byte is
    /// compared, so how long a refusal takes says nothing about how much of a guess was right.
    static func constantTimeEqual(_ a: Data, _ b: Data) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
