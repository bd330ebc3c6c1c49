/// Where a value sits in the file, as the user reads it: `services.web.health.timeout`.
struct KeyPath: Sendable, Equatable, CustomStringConvertible {
    static let root = KeyPath(components: [])

    let components: [String]

    func appending(_ key: String) -> KeyPath {
        KeyPath(components: components + [key])
    }

    var isRoot: Bool { components.isEmpty }

    var description: String { components.joined(separator: ".") }
}
