/// A migration version as Flyway reads it: numeric parts split by `.` or `_`, compared part by part as
/// numbers of any length (`1_10` after `1_9`), trailing zero parts insignificant (`1.0` equals `1`).
package struct MigrationVersion: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// Parts without leading zeros and without trailing zero parts; `[]` is version 0.
    private let parts: [String]
    /// As written, with `_` shown as `.` (what Flyway stores in the history table).
    package let description: String

    /// Nil when `text` is not digits separated by single `.` or `_`.
    package init?(_ text: String) {
        let display = text.replacingOccurrences(of: "_", with: ".")
        let rawParts = display.split(separator: ".", omittingEmptySubsequences: false)
        guard !rawParts.isEmpty else { return nil }
        var parts: [String] = []
        for raw in rawParts {
            guard !raw.isEmpty, raw.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            let trimmed = raw.drop { $0 == "0" }
            parts.append(trimmed.isEmpty ? "0" : String(trimmed))
        }
        while parts.last == "0" { parts.removeLast() }
        self.parts = parts
        self.description = display
    }

    package static func == (lhs: Self, rhs: Self) -> Bool { lhs.parts == rhs.parts }

    package func hash(into hasher: inout Hasher) { hasher.combine(parts) }

    package static func < (lhs: Self, rhs: Self) -> Bool {
        for index in 0..<max(lhs.parts.count, rhs.parts.count) {
            let l = index < lhs.parts.count ? lhs.parts[index] : "0"
            let r = index < rhs.parts.count ? rhs.parts[index] : "0"
            if l == r { continue }
            // Both are digit strings without leading zeros: the longer is the larger.
            return l.count != r.count ? l.count < r.count : l < r
        }
        return false
    }

    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let version = MigrationVersion(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "not a migration version: \(text)"))
        }
        self = version
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
