import Hummingbird
import SlipwayModel

extension Request {
    /// A count the query may give (`limit`, `lines`): `defaultValue` when absent, `maximum` when
    /// larger. Anything but a whole number of at least 1 is refused (400), never read as the default.
    func count(_ name: String, default defaultValue: Int, maximum: Int) throws -> Int {
        guard let text = uri.queryParameters[Substring(name)] else { return defaultValue }
        guard let value = Int(String(text)), value >= 1 else {
            throw SlipwayError(.badRequest, "query: `\(name)` must be a whole number of at least 1 "
                               + "(\(maximum) at most are answered), not \"\(text)\"")
        }
        return min(value, maximum)
    }
}

extension Request {
    /// `?environment=NAME`: which environment a query is about; nil: the only one.
    var environment: String? {
        uri.queryParameters["environment"].map(String.init)
    }
}
