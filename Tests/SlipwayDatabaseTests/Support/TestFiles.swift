import Foundation

/// File facts checked with the system's own tools rather than our code.
enum TestFiles {
    static func sha256(_ path: String) async throws -> String {
        String(try await TestProcess.output(["sha256sum", path]).prefix(64))
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
