import Foundation

/// Where the tools a backup runs (pg_dump, pg_restore, gzip) are found: directories a caller prefers, then
/// `PATH`. A path given for a tool is used instead of searching (a test's stand-in that hangs).
struct ToolLocator: Sendable {
    var paths: [String: String] = [:]

    func locate(_ name: String, preferring directories: [String] = []) -> String? {
        if let path = paths[name] { return path }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in directories + path.split(separator: ":").map(String.init) {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
