import Foundation
import SlipwayModel

/// Finds the project's `slipway.yml` as git finds `.git`: in the directory, else in the nearest parent.
package enum ConfigLocator {
    package static let fileName = "slipway.yml"

    /// The absolute path of the nearest `slipway.yml` at or above `directory` (relative to the current
    /// directory when not absolute).
    ///
    /// - Throws: `SlipwayError(.configNotFound)` naming the directory the search started from.
    package static func find(from directory: String) throws -> String {
        let start = absolute(directory)
        var current = start
        while true {
            let candidate = current == "/" ? "/" + fileName : current + "/" + fileName
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue {
                return candidate
            }
            guard current != "/" else { break }
            current = parent(of: current)
        }
        throw SlipwayError(.configNotFound,
                           "no \(fileName) in \(start) or any directory above it; pass --config PATH or create one")
    }

    private static func absolute(_ path: String) -> String {
        let base = FileManager.default.currentDirectoryPath
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : URL(fileURLWithPath: base).appendingPathComponent(path)
        let standardized = url.standardizedFileURL.path
        return standardized.count > 1 && standardized.hasSuffix("/") ? String(standardized.dropLast()) : standardized
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }
}
