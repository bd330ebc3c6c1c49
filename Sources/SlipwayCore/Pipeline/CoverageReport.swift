import Foundation

/// Line coverage read from a report a check wrote: lcov (`LF:`/`LH:` totals over all files) or
/// Cobertura XML (the root element's `line-rate`), as CI coverage gates read them.
package enum CoverageReport {
    /// Percent of lines covered, 0...100; nil when the text is neither format.
    package static func lineCoverage(_ text: String) -> Double? {
        if let rate = coberturaLineRate(text) { return rate * 100 }
        var found = 0
        var hit = 0
        var sawTotals = false
        for line in text.split(whereSeparator: \.isNewline) {
            if line.hasPrefix("LF:"), let value = Int(line.dropFirst(3)) {
                found += value
                sawTotals = true
            } else if line.hasPrefix("LH:"), let value = Int(line.dropFirst(3)) {
                hit += value
            }
        }
        guard sawTotals else { return nil }
        return found == 0 ? 100 : Double(hit) / Double(found) * 100
    }

    private static func coberturaLineRate(_ text: String) -> Double? {
        guard let coverage = text.range(of: "<coverage"), let end = text[coverage.upperBound...].firstIndex(of: ">") else { return nil }
        let attributes = text[coverage.upperBound..<end]
        guard let key = attributes.range(of: "line-rate=") else { return nil }
        let rest = attributes[key.upperBound...]
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        let value = rest.dropFirst().prefix { $0 != quote }
        return Double(value)
    }
}
