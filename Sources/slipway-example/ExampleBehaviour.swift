import Foundation

/// What the example service answers, read from its release directory so each commit of the demo
/// repository can behave differently: `VERSION` holds its version, `HEALTH` says `ok`, `fail`,
/// or `fail-after 2s` (healthy at first, then failing: a release that breaks after its switch).
struct ExampleBehaviour: Sendable {
    var version: String
    var failFrom: Date?

    static func load(directory: String, environment: [String: String]) -> ExampleBehaviour {
        func read(_ name: String) -> String? {
            (try? String(contentsOfFile: directory + "/" + name, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let version = read("VERSION") ?? environment["SLIPWAY_VERSION"] ?? "dev"
        var failFrom: Date?
        let health = read("HEALTH") ?? environment["EXAMPLE_HEALTH"] ?? "ok"
        if health == "fail" {
            failFrom = .distantPast
        } else if health.hasPrefix("fail-after ") {
            let text = health.dropFirst("fail-after ".count)
            let seconds = Double(text.hasSuffix("ms") ? String(text.dropLast(2)) : String(text.dropLast()))
                .map { text.hasSuffix("ms") ? $0 / 1000 : $0 } ?? 0
            failFrom = Date().addingTimeInterval(seconds)
        }
        return ExampleBehaviour(version: version, failFrom: failFrom)
    }

    var healthy: Bool { failFrom.map { Date() < $0 } ?? true }
}
