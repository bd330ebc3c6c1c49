import Foundation
import SlipwayPOSIX
import Synchronization

/// A program a test starts: spawned with `posix_spawn` (SlipwayPOSIX's `ChildSpawn`, as the daemon
/// starts releases), not Foundation's `Process`. On Linux `Process.run()` can crash the whole test
/// process with a buffer over-read while it lists /proc/self/fd (swift-corelibs-foundation#5472;
/// seen here in about one run of the suite in five), and `waitUntilExit()` can sleep on for good
/// (swiftlang/swift#79881).
///
/// The child leads its own session (a test that signals it signals what it started), its stdout
/// and stderr go to pipes the test reads (or to /dev/null), and a thread of its own waits for its
/// exit, so nothing blocks a thread of Swift's cooperative pool.
public final class ChildProgram: Sendable {
    public enum Output: Sendable {
        /// A pipe the test reads from (`stdout`/`stderr`).
        case pipe
        /// `/dev/null`.
        case discard
        /// For stderr: the same pipe as stdout, merged.
        case stdout
    }

    public let pid: pid_t
    /// The read end of its stdout pipe (with stderr when merged); nil when discarded.
    public let stdout: FileHandle?
    /// The read end of its stderr pipe; nil when discarded or merged.
    public let stderr: FileHandle?
    private let exit = Mutex<(status: Int32?, waiters: [CheckedContinuation<Int32, Never>])>((nil, []))
    private let exited = DispatchSemaphore(value: 0)

    /// Starts `executable` (a path, or a name looked up on PATH) in `directory` with the test's
    /// environment plus `environment`; stdin is /dev/null.
    public init(_ executable: String, _ arguments: [String], in directory: String? = nil,
                environment: [String: String] = [:], stdout: Output = .pipe, stderr: Output = .pipe) throws {
        var closeAfterSpawn: [Int32] = []
        defer { closeAfterSpawn.forEach { _ = close($0) } }
        var opened: [Int32] = []
        func target(_ output: Output) throws -> (child: Int32, parent: FileHandle?) {
            switch output {
            case .discard, .stdout:
                let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
                closeAfterSpawn.append(null)
                return (null, nil)
            case .pipe:
                let pipe = try ChildSpawn.makePipe()
                closeAfterSpawn.append(pipe.write)
                opened.append(pipe.read)
                return (pipe.write, FileHandle(fileDescriptor: pipe.read, closeOnDealloc: true))
            }
        }
        do {
            let out = try target(stdout)
            let err = stderr == .stdout ? (child: out.child, parent: nil) : try target(stderr)
            let plan = ChildSpawn.Plan(
                executable: executable, arguments: arguments,
                environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
                directory: directory ?? FileManager.default.currentDirectoryPath, stdout: out.child, stderr: err.child)
            pid = try ChildSpawn.spawn(plan)
            self.stdout = out.parent
            self.stderr = err.parent
        } catch {
            opened.forEach { _ = close($0) }
            throw error
        }
        let pid = self.pid
        // The thread holds the program until it has exited (its status is then known to every waiter).
        Thread { [self] in
            var raw: Int32 = 0
            var result: pid_t
            repeat { result = waitpid(pid, &raw, 0) } while result < 0 && errno == EINTR
            // As Foundation's `terminationStatus`: the exit code, or the number of the signal that ended it.
            let status: Int32 = result < 0 ? -1 : (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : raw & 0x7f
            let waiters = exit.withLock { state -> [CheckedContinuation<Int32, Never>] in
                state.status = status
                defer { state.waiters = [] }
                return state.waiters
            }
            exited.signal()
            waiters.forEach { $0.resume(returning: status) }
        }.start()
    }

    public var isRunning: Bool { exit.withLock { $0.status == nil } }

    /// Its exit status (the exit code, or the signal's number), once it has exited.
    public func status() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status = exit.withLock { state -> Int32? in
                if state.status == nil { state.waiters.append(continuation) }
                return state.status
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    /// Blocks the calling thread until it has exited; its status. Not for a thread of the
    /// cooperative pool while other tests run (setup of fixtures only: a git command).
    public func waitForExit() -> Int32 {
        exited.wait()
        exited.signal()
        return exit.withLock { $0.status ?? -1 }
    }

    /// Blocks until it has exited or `timeout` has passed; whether it exited.
    public func waitForExit(timeout: Duration) -> Bool {
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        guard exited.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .success else { return false }
        exited.signal()
        return true
    }

    public func signal(_ signal: Int32) {
        if isRunning { _ = kill(pid, signal) }
    }

    /// Runs a program to completion, blocking the calling thread (fixtures: git, openssl); its exit
    /// status and what it printed on each stream.
    public static func run(_ executable: String, _ arguments: [String], in directory: String? = nil,
                           environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        let program = try ChildProgram(executable, arguments, in: directory, environment: environment)
        let errors = ErrorText()
        let drained = DispatchSemaphore(value: 0)
        Thread {
            errors.set(program.stderr?.readDataToEndOfFile() ?? Data())
            drained.signal()
        }.start()
        let output = program.stdout?.readDataToEndOfFile() ?? Data()
        drained.wait()
        return (program.waitForExit(), String(decoding: output, as: UTF8.self), errors.text)
    }
}

private final class ErrorText: Sendable {
    private let data = Mutex(Data())
    func set(_ value: Data) { data.withLock { $0 = value } }
    var text: String { String(decoding: data.withLock { $0 }, as: UTF8.self) }
}
