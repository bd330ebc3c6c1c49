/// An Engine API version, `major.minor`, compared numerically (`1.9` < `1.41`).
struct APIVersion: Comparable, Sendable, CustomStringConvertible {
    let major: Int
    let minor: Int

    /// The newest API this client is written against; a newer engine is spoken to in this version,
    /// as the Docker CLI negotiates (the lower of its own and the engine's).
    static let newest = APIVersion(major: 1, minor: 47)
    /// Docker 19.03: everything used here (build args and labels, port bindings with an empty host
    /// port, label filters on events) is older than this.
    static let oldest = APIVersion(major: 1, minor: 40)

    init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    init?(_ text: String) {
        let parts = text.split(separator: ".")
        guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        self.init(major: major, minor: minor)
    }

    static func < (lhs: APIVersion, rhs: APIVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    var description: String { "\(major).\(minor)" }
}
