/// The server's directory (RFC 8555 §7.1.1): the only URL configured; every other is read from it.
struct ACMEDirectory: Decodable, Sendable {
    var newNonce: String
    var newAccount: String
    var newOrder: String
}
