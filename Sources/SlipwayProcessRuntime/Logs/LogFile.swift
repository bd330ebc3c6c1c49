import Foundation
import Glibc
import SlipwayPOSIX

/// `<logDirectory>/<service>/<releaseID>.log`: everything a release's processes print, appended
/// across restarts, readable by the daemon's group (0640).
enum LogFile {
    static func path(directory: String, service: String, releaseID: String) -> String {
        "\(directory)/\(service)/\(releaseID).log"
    }

    /// A close-on-exec descriptor appending to the file, creating it and its directory.
    static func openForAppend(_ path: String) throws(SpawnError) -> Int32 {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o750])
        } catch {
            throw SpawnError("cannot create log directory \(directory): \(error.localizedDescription)")
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw SpawnError(operation: "open \(path)", code: errno) }
        // The mode given to open is narrowed by the umask; the log's mode is part of its contract.
        _ = fchmod(fd, 0o640)
        return fd
    }

    /// Appends one line written by Slipway itself (a start marker), so a log that spans several
    /// starts of a release reads clearly.
    static func appendMarker(_ text: String, to fd: Int32) {
        var line = Array("\(text)\n".utf8)
        _ = line.withUnsafeMutableBytes { write(fd, $0.baseAddress, $0.count) }
    }
}
