/// The resources an order goes through (RFC 8555 §7.1.3, §7.1.4), with only the fields used.
struct ACMEOrder: Decodable, Sendable {
    /// pending → ready → processing → valid, or invalid.
    var status: String
    var authorizations: [String]
    var finalize: String
    var certificate: String?
    var error: ProblemDocument?
}

struct ACMEAuthorization: Decodable, Sendable {
    struct Identifier: Decodable, Sendable {
        var type: String
        var value: String
    }

    var status: String
    var identifier: Identifier
    var challenges: [ACMEChallenge]
}

struct ACMEChallenge: Decodable, Sendable {
    var type: String
    var url: String
    var status: String
    var token: String?
    var error: ProblemDocument?
}
