/// The database URLs Slipway can migrate and back up: `postgres://…` (or libpq's `postgresql://…`)
/// and `sqlite:<path>`.
enum DatabaseURLRules {
    /// What is wrong with `url`, phrased to complete "expected …"; nil when it is supported.
    /// Never quotes the url: it may hold a password.
    static func problem(with url: String) -> String? {
        if url.hasPrefix("sqlite:") {
            return url == "sqlite:" ? "a file path after sqlite:, like sqlite:data/app.db" : nil
        }
        for prefix in ["postgres://", "postgresql://"] where url.hasPrefix(prefix) {
            return url == prefix ? "a server after \(prefix), like \(prefix)host/db" : nil
        }
        return "a url starting with postgres:// or sqlite:"
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
