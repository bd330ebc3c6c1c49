import Foundation

/// What the example service answers, read from its release directory so each commit of the demo
/// repository can behave differently: `VERSION` holds its version, `HEALTH` says `ok`, `fail`,
/// or `fail-after 2s` (healthy at first, then failing: a release that breaks after its switch).
/// `ERRORS` (`20%`) makes that share of `/` answers a 500, spread evenly; `LATENCY` (`50ms`) delays
/// each `/` answer: a release a canary's analysis must catch; `STARTUP` (`1000ms`) delays its listening.
struct ExampleBehaviour: Sendable {
    var version: String
    var failFrom: Date?
    /// The share of `/` requests answered 500, 0...1.
    var errorRate: Double = 0
    /// Added to each `/` answer.
    var latency: Duration = .zero
    /// How long it waits before it listens (`STARTUP`).
    var startup: Duration = .zero

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
        var behaviour = ExampleBehaviour(version: version, failFrom: failFrom)
        if let errors = read("ERRORS") {
            let percent = errors.hasSuffix("%")
            behaviour.errorRate = min(1, max(0, (Double(percent ? String(errors.dropLast()) : errors) ?? 0) / (percent ? 100 : 1)))
        }
        if let latency = read("LATENCY"), latency.hasSuffix("ms"), let ms = Int(latency.dropLast(2)) {
            behaviour.latency = .milliseconds(ms)
        }
        if let startup = read("STARTUP"), startup.hasSuffix("ms"), let ms = Int(startup.dropLast(2)) {
            behaviour.startup = .milliseconds(ms)
        }
        return behaviour
    }

    var healthy: Bool { failFrom.map { Date() < $0 } ?? true }

    /// Whether the `index`-th request (0-based, counted over the process) is one of the errors:
    /// exactly ⌊(index + 1) × rate⌋ of the first index + 1 are.
    func fails(_ index: Int) -> Bool {
        errorRate > 0 && Int(Double(index + 1) * errorRate) > Int(Double(index) * errorRate)
    }
}
