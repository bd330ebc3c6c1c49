import Foundation

/// Backup names: `<database>-<UTC yyyyMMddTHHmmssZ>-<deployment id or manual>`, so a directory listing
/// sorts by database, then time.
enum BackupNaming {
    static func name(database: String, at date: Date, deploymentID: String?) -> String {
        "\(safe(database))-\(timestamp(date))-\(safe(deploymentID ?? "manual"))"
    }

    /// `20261122T093015Z`.
    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(c.year ?? 0)\(two(c.month))\(two(c.day))T\(two(c.hour))\(two(c.minute))\(two(c.second))Z"
    }

    /// Letters, digits, `-` and `_` only: a name is a file name and, for PostgreSQL, part of a database name.
    static func safe(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "_" })
    }
}
