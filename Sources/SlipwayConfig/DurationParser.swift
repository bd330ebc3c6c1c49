/// The durations `slipway.yml` (and anything else that takes one) accepts: `<number><unit>`, with units
/// `ms`, `s`, `m`, `h` and `d`, compounds such as `1m30s`, decimals such as `1.5s`; never negative.
///
/// A bare number is refused: `timeout: 2` could mean seconds or milliseconds, and guessing is how a
/// two-second timeout becomes a two-millisecond one.
package enum DurationParser {
    /// The duration `text` spells, or nil when it is not one.
    package static func parse(_ text: String) -> Duration? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        var total: Int128 = 0
        var index = 0
        while index < bytes.count {
            guard let (whole, fraction, afterNumber) = number(in: bytes, from: index),
                  let (unit, afterUnit) = self.unit(in: bytes, from: afterNumber)
            else { return nil }
            total += whole * unit + fraction.digits * unit / fraction.scale
            guard total <= Int128(Int64.max) else { return nil }
            index = afterUnit
        }
        return .nanoseconds(Int64(total))
    }

    /// The shortest text `parse` reads back as `duration` (to the nanosecond): `1m30s`, `250ms`, `0s`.
    package static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        var remainingNanoseconds = Int128(seconds) * 1_000_000_000 + Int128(attoseconds / 1_000_000_000)
        guard remainingNanoseconds > 0 else { return "0s" }
        var text = ""
        for (name, nanoseconds) in units where name != "ms" {
            let count = remainingNanoseconds / nanoseconds
            if count > 0 { text += "\(count)\(name)" }
            remainingNanoseconds %= nanoseconds
        }
        if remainingNanoseconds > 0 { text += milliseconds(remainingNanoseconds) }
        return text
    }

    /// Units and their length in nanoseconds, longest first.
    private static let units: [(name: String, nanoseconds: Int128)] = [
        ("d", 86_400_000_000_000), ("h", 3_600_000_000_000), ("m", 60_000_000_000),
        ("s", 1_000_000_000), ("ms", 1_000_000),
    ]

    /// Fraction digits kept: nanoseconds of a day need 14, more only adds rounding noise.
    private static let maximumFractionDigits = 15

    private static func number(in bytes: [UInt8], from start: Int)
        -> (whole: Int128, fraction: (digits: Int128, scale: Int128), end: Int)? {
        var index = start
        var whole: Int128 = 0
        while index < bytes.count, let digit = digitValue(bytes[index]) {
            whole = whole * 10 + digit
            guard whole <= Int128(Int64.max) else { return nil }
            index += 1
        }
        guard index > start else { return nil }
        var fraction: (digits: Int128, scale: Int128) = (0, 1)
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let fractionStart = index
            while index < bytes.count, let digit = digitValue(bytes[index]) {
                if index - fractionStart < maximumFractionDigits {
                    fraction = (fraction.digits * 10 + digit, fraction.scale * 10)
                }
                index += 1
            }
            guard index > fractionStart else { return nil }
        }
        return (whole, fraction, index)
    }

    private static func unit(in bytes: [UInt8], from start: Int) -> (nanoseconds: Int128, end: Int)? {
        var end = start
        while end < bytes.count, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[end]) { end += 1 }
        let name = String(decoding: bytes[start..<end], as: UTF8.self)
        guard let unit = units.first(where: { $0.name == name }) else { return nil }
        return (unit.nanoseconds, end)
    }

    private static func digitValue(_ byte: UInt8) -> Int128? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int128(byte - UInt8(ascii: "0")) : nil
    }

    private static func milliseconds(_ nanoseconds: Int128) -> String {
        let whole = nanoseconds / 1_000_000
        var fraction = String(nanoseconds % 1_000_000)
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return fraction.isEmpty ? "\(whole)ms" : "\(whole).\(fraction)ms"
    }
}
