import Foundation

/// A fresh directory under the system's temporary directory, removed when the test is done with it.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.standardizedFileURL.path
            + "/slipway-config-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Creates `relativePath` (and its parent directories) holding `contents`; returns its absolute path.
    @discardableResult
    func write(_ relativePath: String, _ contents: String) throws -> String {
        try write(relativePath, Data(contents.utf8))
    }

    @discardableResult
    func write(_ relativePath: String, _ data: Data) throws -> String {
        let file = path + "/" + relativePath
        try makeDirectory((file as NSString).deletingLastPathComponent)
        try data.write(to: URL(fileURLWithPath: file))
        return file
    }

    /// Creates the directory at `relativePath` (or an absolute path inside this one); returns its absolute path.
    @discardableResult
    func makeDirectory(_ relativeOrAbsolute: String) throws -> String {
        let directory = relativeOrAbsolute.hasPrefix("/") ? relativeOrAbsolute : path + "/" + relativeOrAbsolute
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }
}
