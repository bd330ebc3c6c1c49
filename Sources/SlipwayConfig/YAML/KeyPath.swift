/// Where a value sits in the file, as the user reads it: `services.web.health.timeout`.
struct KeyPath: Sendable, Equatable, CustomStringConvertible {
    static let root = KeyPath(components: [])

    let components: [String]

    func appending(_ key: String) -> KeyPath {
        KeyPath(components: components + [key])
    }

    /// The path of a list's item: `services.api.volumes[1]`, counted from 0.
    func appending(index: Int) -> KeyPath {
        guard let last = components.last else { return KeyPath(components: ["[\(index)]"]) }
        return KeyPath(components: components.dropLast() + ["\(last)[\(index)]"])
    }

    var isRoot: Bool { components.isEmpty }

    var description: String { components.joined(separator: ".") }
}
