/// The database URLs Slipway can migrate and back up.
enum DatabaseURLRules {
    /// `postgres://…` (or libpq's `postgresql://…`) with something after the scheme, or `sqlite:<path>`.
    static func isSupported(_ url: String) -> Bool {
        for prefix in ["postgres://", "postgresql://", "sqlite:"] where url.hasPrefix(prefix) {
            return url.count > prefix.count
        }
        return false
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
