import ArgumentParser
import SlipwayConfig

/// A duration option (`--lock-wait 30s`, `--hold 10s`), in slipway.yml's duration syntax.
struct DurationArgument: ExpressibleByArgument {
    var duration: Duration

    init(_ duration: Duration) {
        self.duration = duration
    }

    init?(argument: String) {
        guard let duration = DurationParser.parse(argument) else { return nil }
        self.duration = duration
    }

    var defaultValueDescription: String { DurationParser.format(duration) }
}
