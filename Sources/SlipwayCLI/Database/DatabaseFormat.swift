import Foundation
import SlipwayDatabase

/// Small pieces of human output shared by the `db` verbs.
enum DatabaseFormat {
    static func size(_ bytes: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }

    static func time(_ date: Date?) -> String {
        guard let date else { return "-" }
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date) + "Z"
    }

    static func version(_ version: String?) -> String { version ?? "none" }

    static func state(_ state: MigrationState) -> String {
        state.rawValue.replacingOccurrences(of: "_", with: " ")
    }
}
