import Foundation

/// Figures as a verdict's reason writes them: `19.8%`, `0.15%`, `1%`; `× 1.5`; `120ms`, `850µs`,
/// `1.25s`; `p 0.0003`. Trailing zeros are dropped, so a threshold reads as it was configured.
enum AnalysisText {
    /// A fraction as a percentage: 1 decimal from 10%, 2 from 1%, 3 below.
    static func percent(_ fraction: Double) -> String {
        let value = fraction * 100
        let decimals = value >= 10 ? 1 : value >= 1 ? 2 : 3
        return fixed(value, decimals: decimals) + "%"
    }

    /// Up to 3 decimals, trailing zeros dropped: `1.5`, `2`, `0.05`, `52340.5`.
    static func number(_ value: Double) -> String {
        fixed(value, decimals: 3)
    }

    /// A latency given in microseconds.
    static func latency(_ microseconds: Double) -> String {
        if microseconds < 1000 { return fixed(microseconds, decimals: 0) + "µs" }
        if microseconds < 1_000_000 { return fixed(microseconds / 1000, decimals: microseconds < 10_000 ? 2 : 1) + "ms" }
        return fixed(microseconds / 1_000_000, decimals: 2) + "s"
    }

    /// Two significant digits: `0.41`, `0.0003`, `3.2e-07`.
    static func probability(_ p: Double) -> String {
        String(format: "%.2g", p)
    }

    static func fixed(_ value: Double, decimals: Int) -> String {
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}
