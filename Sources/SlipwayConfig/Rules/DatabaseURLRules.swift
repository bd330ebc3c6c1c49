/// The database URLs Slipway can migrate and back up: `postgres://…` (or libpq's `postgresql://…`)
/// and `sqlite:<path>`.
enum DatabaseURLRules {
    /// What can be wrong with a database URL.
    enum Problem: Equatable, CustomStringConvertible {
        /// `sqlite:` and nothing after it.
        case missingSQLitePath
        /// `postgres://` (or `postgresql://`) and nothing after it.
        case missingServer(scheme: String)
        /// Neither a PostgreSQL nor an SQLite URL.
        case unsupportedScheme

        /// Phrased to complete "expected …". Never quotes the url: it may hold a password.
        var description: String {
            switch self {
            case .missingSQLitePath: "a file path after sqlite:, like sqlite:data/app.db"
            case .missingServer(let prefix): "a server after \(prefix), like \(prefix)host/db"
            case .unsupportedScheme: "a url starting with postgres:// or sqlite:"
            }
        }
    }

    /// What is wrong with `url`; nil when it is supported.
    static func problem(with url: String) -> Problem? {
        if url.hasPrefix("sqlite:") {
            return url == "sqlite:" ? .missingSQLitePath : nil
        }
        for prefix in ["postgres://", "postgresql://"] where url.hasPrefix(prefix) {
            return url == prefix ? .missingServer(scheme: prefix) : nil
        }
        return .unsupportedScheme
    }

    /// The scheme of a URL-looking text (`mysql`), safe to show because it cannot hold a secret;
    /// nil when the text does not start with one.
    static func scheme(of url: String) -> String? {
        guard let colon = url.firstIndex(of: ":") else { return nil }
        let scheme = url[..<colon]
        guard let first = scheme.first, first.isLetter, scheme.count <= 20,
              scheme.allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }) else { return nil }
        return String(scheme)
    }
}
