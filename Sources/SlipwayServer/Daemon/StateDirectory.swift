import Foundation
import SlipwayModel

/// `.slipway/` next to `slipway.yml`: mode 0700, so its socket, database and logs are the user's alone.
/// Holding `daemon.lock` (flock) is what makes a daemon the one daemon of this state directory.
struct StateDirectory: Sendable {
    let path: String

    var database: String { path + "/state.db" }
    var socket: String { path + "/" + API.socketName }
    var releases: String { path + "/releases" }
    var logs: String { path + "/logs" }
    var lockFile: String { path + "/daemon.lock" }

    func create() throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
            for directory in [releases, logs] {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            // It sits in the repository beside slipway.yml and holds secrets.env, the state and the
            // logs: a `git add -A` must not commit it (a committed secrets.env would also be
            // exported into every release). Ignored from within, as Python's and Ruff's caches are.
            let ignore = path + "/.gitignore"
            if !FileManager.default.fileExists(atPath: ignore) {
                try "# Written by slipway: nothing here belongs in git.\n*\n".write(toFile: ignore, atomically: true, encoding: .utf8)
            }
        } catch {
            throw SlipwayError(.internalError, "cannot create the state directory \(path): \(error.localizedDescription)")
        }
        // Unix socket paths are limited to 107 bytes by sockaddr_un.
        if socket.utf8.count > 107 {
            throw SlipwayError(.internalError, "the socket path \(socket) is longer than 107 bytes; move the repository to a shorter path")
        }
    }

    /// Removes `.tmp-*` staging directories a daemon killed mid-build left under `releases/<service>/`
    /// (a release only becomes a release when its staging directory is renamed).
    func removeUnfinishedReleases() {
        let files = FileManager.default
        for service in (try? files.contentsOfDirectory(atPath: releases)) ?? [] {
            let directory = releases + "/" + service
            for entry in (try? files.contentsOfDirectory(atPath: directory)) ?? [] where entry.hasPrefix(".tmp-") {
                try? files.removeItem(atPath: directory + "/" + entry)
            }
        }
    }

    /// Takes the daemon lock or says which daemon holds it. The descriptor stays open (and locked)
    /// until the process exits, however it exits.
    func lock() throws -> Int32 {
        let fd = open(lockFile, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw SlipwayError(.internalError, "cannot open \(lockFile): \(String(cString: strerror(errno)))")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = (try? String(contentsOfFile: lockFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
            close(fd)
            throw SlipwayError(.deploymentInProgress, "another slipway daemon (pid \(holder)) is already serving \(path)")
        }
        ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(fd, $0, strlen($0)) }
        return fd
    }
}
