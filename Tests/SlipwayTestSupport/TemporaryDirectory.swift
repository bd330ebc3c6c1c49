import Foundation

/// A fresh directory under the system's temporary directory, removed by `remove()` or, at the latest,
/// when the last reference to it goes.
public final class TemporaryDirectory: Sendable {
    /// Absolute and standardised (no `..`, no doubled `/`), so tests may compare paths built from it.
    public let path: String

    /// `prefix` names the directory (`<prefix>-<random>`) so a leftover says which tests made it.
    public init(prefix: String = "slipway-test") throws {
        path = FileManager.default.temporaryDirectory.standardizedFileURL.path
            + "/" + prefix + "-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        remove()
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The absolute path of `relativePath` inside this directory.
    public func path(_ relativePath: String) -> String {
        path + "/" + relativePath
    }

    /// Creates `relativePath` (and its parent directories) holding `contents`; returns its absolute path.
    @discardableResult
    public func write(_ relativePath: String, _ contents: String) throws -> String {
        try write(relativePath, Data(contents.utf8))
    }

    @discardableResult
    public func write(_ relativePath: String, _ data: Data) throws -> String {
        let file = path(relativePath)
        try makeDirectory((file as NSString).deletingLastPathComponent)
        try data.write(to: URL(fileURLWithPath: file))
        return file
    }

    /// What `relativePath` holds, or nil when it does not exist or is not text.
    public func contents(_ relativePath: String) -> String? {
        try? String(contentsOfFile: path(relativePath), encoding: .utf8)
    }

    /// Creates the directory at `relativePath` (or an absolute path inside this one); returns its absolute path.
    @discardableResult
    public func makeDirectory(_ relativeOrAbsolute: String) throws -> String {
        let directory = relativeOrAbsolute.hasPrefix("/") ? relativeOrAbsolute : path(relativeOrAbsolute)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }
}
