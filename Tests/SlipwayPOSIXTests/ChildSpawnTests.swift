import Foundation
import Glibc
import SlipwayPOSIX
import Testing

@Suite("Spawning a child")
struct ChildSpawnTests {
    @Test func childLeadsItsOwnSessionAndProcessGroup() throws {
        let pid = try ChildSpawn.spawn(plan("sleep", ["30"], stdout: devNull.fd))
        defer { _ = kill(pid, SIGKILL); _ = reap(pid) }
        // `pid (comm) state ppid pgrp session …`: posix_spawn returns once the child has exec'd,
        // so its setsid() is already done.
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        let fields = stat[stat.range(of: ")", options: .backwards)!.upperBound...].split(separator: " ")
        #expect(fields[2] == "\(pid)") // process group
        #expect(fields[3] == "\(pid)") // session
    }

    @Test func environmentAndDirectoryReachTheChildAndNothingElseOfOurs() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-posix-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let output = try run("/bin/sh", ["-c", #"printf '%s|%s|%s' "$GREETING" "$(pwd -P)" "${HOME-unset}""#],
                             environment: ["GREETING": "hello there", "PATH": "/usr/bin:/bin"], directory: directory)
        let real = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        #expect(output == "hello there|\(real)|unset")
    }

    @Test func stdinIsDevNullAndNoOtherDescriptorIsInherited() throws {
        // Deliberately not close-on-exec: only the spawn's closefrom keeps it from the child.
        let leaky = open("/dev/null", O_RDONLY)
        try #require(leaky > 2)
        defer { close(leaky) }
        let output = try run("/bin/sh", ["-c", #"readlink /proc/self/fd/0; [ -e /proc/$$/fd/\#(leaky) ] && echo leaked || echo closed"#])
        #expect(output == "/dev/null\nclosed\n")
    }

    @Test func stdoutAndStderrGoWhereTheyAreSent() throws {
        let errors = try ChildSpawn.makePipe()
        defer { close(errors.read) }
        let output = try run("/bin/sh", ["-c", "echo out; echo err >&2"], stderr: errors.write)
        close(errors.write)
        #expect(output == "out\n")
        #expect(readAll(errors.read) == "err\n")
    }

    /// A daemon started with its standard streams closed gets its log file as descriptor 1 or 2;
    /// the child must still write into it. Stands in for that by putting our pipe on 0.
    @Test func aStandardDescriptorNumberStillReachesTheChild() throws {
        let pipe = try ChildSpawn.makePipe()
        defer { close(pipe.read) }
        let saved = dup(0)
        try #require(saved >= 0)
        dup2(pipe.write, 0)
        // So that a process another test starts meanwhile does not take our pipe as its stdin.
        _ = fcntl(0, F_SETFD, FD_CLOEXEC)
        close(pipe.write)
        let spawned = Result { () throws(SpawnError) -> pid_t in
            try ChildSpawn.spawn(plan("/bin/sh", ["-c", "echo through; echo also >&2"], stdout: 0, stderr: 0))
        }
        dup2(saved, 0)
        close(saved)
        let pid = try spawned.get()
        #expect(readAll(pipe.read) == "through\nalso\n")
        #expect(reap(pid) == 0)
    }

    @Test func aMissingExecutableIsASpawnErrorWithItsErrno() {
        #expect {
            _ = try ChildSpawn.spawn(plan("no-such-program-slipway", [], stdout: devNull.fd))
        } throws: { error in
            (error as? SpawnError)?.code == ENOENT
        }
    }

    // MARK: - Support

    private let devNull = DevNull()

    private func plan(_ executable: String, _ arguments: [String], environment: [String: String] = ["PATH": "/usr/bin:/bin"],
                      directory: String = "/", stdout: Int32, stderr: Int32? = nil) -> ChildSpawn.Plan {
        ChildSpawn.Plan(executable: executable, arguments: arguments, environment: environment, directory: directory,
                        stdout: stdout, stderr: stderr ?? stdout)
    }

    /// Runs to completion and returns its stdout (and its stderr, unless sent elsewhere).
    private func run(_ executable: String, _ arguments: [String], environment: [String: String] = ["PATH": "/usr/bin:/bin"],
                     directory: String = "/", stderr: Int32? = nil) throws -> String {
        let pipe = try ChildSpawn.makePipe()
        defer { close(pipe.read) }
        let pid: pid_t
        do {
            pid = try ChildSpawn.spawn(plan(executable, arguments, environment: environment, directory: directory,
                                            stdout: pipe.write, stderr: stderr))
        } catch {
            close(pipe.write)
            throw error
        }
        close(pipe.write)
        let output = readAll(pipe.read)
        #expect(reap(pid) == 0)
        return output
    }

    private func readAll(_ fd: Int32) -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 { bytes += buffer[..<count] } else if count == 0 || errno != EINTR { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The raw wait status.
    private func reap(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return status
    }
}

/// A close-on-exec descriptor on /dev/null for children whose output does not matter.
private final class DevNull: Sendable {
    let fd = open("/dev/null", O_WRONLY | O_CLOEXEC)
    deinit { close(fd) }
}
