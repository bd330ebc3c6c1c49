/// The names a user chooses in `slipway.yml`.
enum NameRules {
    /// Service and database names: `[a-z0-9][a-z0-9_-]*`. They become directory names, record fields
    /// and CLI arguments, so nothing that needs quoting in any of those.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, isLowercaseAlphanumeric(first) else { return false }
        return name.unicodeScalars.allSatisfy { isLowercaseAlphanumeric($0) || $0 == "-" || $0 == "_" }
    }

    static let nameRule = "use lowercase letters, digits, \"-\" and \"_\", starting with a letter or digit"

    /// Environment variable names as POSIX shells accept them: `[A-Za-z_][A-Za-z0-9_]*`.
    static func isValidEnvironmentName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, isLetter(first) || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    static let environmentNameRule = "use letters, digits and \"_\", not starting with a digit"

    private static func isLowercaseAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }
}
