import Foundation

/// Ids that sort by time and read well in a terminal.
package enum Identifiers {
    /// `d-20261122-093015-4f2a`: a deployment id.
    package static func deploymentID(at date: Date, random: UInt16 = UInt16.random(in: 0...UInt16.max)) -> String {
        "d-\(timestamp(date, separator: "-"))-\(hex4(random))"
    }

    /// `20261122093015-1a2b3c4d`: a release id from its time and commit.
    package static func releaseID(at date: Date, commit: String) -> String {
        "\(timestamp(date, separator: ""))-\(commit.prefix(8))"
    }

    static func timestamp(_ date: Date, separator: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ v: Int?) -> String { v.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(c.year ?? 0)\(two(c.month))\(two(c.day))\(separator)\(two(c.hour))\(two(c.minute))\(two(c.second))"
    }

    static func hex4(_ value: UInt16) -> String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: 4 - s.count) + s
    }
}
