import Foundation

/// File facts checked with the system's own tools rather than our code.
enum TestFiles {
    static func sha256(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: data, as: UTF8.self).prefix(64))
    }

    static func size(_ path: String) throws -> Int64 {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? -1
    }

    /// Inverts `count` bytes at `offset`, as a bad disk or a torn copy would.
    static func flipBytes(_ path: String, at offset: Int, count: Int) throws {
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        for index in offset..<min(offset + count, data.count) { data[index] ^= 0xFF }
        try data.write(to: URL(fileURLWithPath: path))
    }
}
