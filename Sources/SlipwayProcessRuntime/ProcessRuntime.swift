import Foundation
import Glibc
import Logging
import SlipwayCore
import SlipwayModel
import SlipwayPOSIX

/// Runs releases as supervised local processes.
///
/// Each instance is `/bin/sh -c "exec <run>"` in its release directory, leading its own session
/// (so its own process group) on a free loopback port. Its stdout and stderr are a pipe to its
/// `OutputRelay`, a process of its own that redacts what it reads and appends it to
/// `<logDirectory>/<service>/<releaseID>.log`. Processes outlive the daemon on purpose: after a
/// restart, `isAlive` and `adopt` pick them up again so traffic resumes without a redeploy; a
/// relay needs nobody, and ends when its instance's output does.
///
/// `run()` is the supervision loop: it reaps this runtime's children and polls adopted instances,
/// and reports every exit on `exits`. The daemon runs it for as long as it runs.
package actor ProcessRuntime: Runtime {
    package nonisolated let exits: AsyncStream<InstanceExit>
    let exitSink: AsyncStream<InstanceExit>.Continuation

    let logDirectory: String
    let logger: Logger
    let pollInterval: Duration
    /// What starts each instance's output relay, and the secrets it hides.
    let relay: OutputRelay.Command
    let redactor: Redactor
    /// How long `logTail` waits for the relay of an instance that has exited to write its last
    /// output (it ends when nothing holds the pipe; something the release left running may).
    let relayDrainLimit: Duration = .milliseconds(500)
    /// How long `stop` waits for a process group after SIGKILL before giving up on it (only a
    /// process stuck in the kernel survives that long).
    let killGrace: Duration = .seconds(10)

    /// Instances whose exit this runtime reports, by pid.
    var watched: [pid_t: WatchedProcess] = [:]
    /// The relays this runtime started and has not reaped yet: relay pid → its instance's pid.
    var relays: [pid_t: pid_t] = [:]

    /// `relay`: an executable with `slipway log-relay` (`OutputRelay.Command.thisExecutable` in the
    /// daemon; the built `slipway` in tests, which run inside a test bundle).
    package init(logDirectory: String, logger: Logger, relay: OutputRelay.Command, redactor: Redactor = Redactor(),
                 pollInterval: Duration = .milliseconds(50)) {
        (exits, exitSink) = AsyncStream.makeStream(of: InstanceExit.self)
        // Instances record their log path and outlive the daemon; it must not depend on a cwd.
        self.logDirectory = logDirectory.hasPrefix("/")
            ? logDirectory
            : FileManager.default.currentDirectoryPath + "/" + logDirectory
        self.logger = logger
        self.relay = relay
        self.redactor = redactor
        self.pollInterval = pollInterval
    }

    deinit {
        exitSink.finish()
    }

    /// Supervises until the task running it is cancelled. Instances keep running when it ends.
    package func run() async throws {
        while !Task.isCancelled {
            for pid in Array(watched.keys) {
                checkExit(pid: pid)
            }
            reapRelays()
            do {
                try await Task.sleep(for: pollInterval)
            } catch {
                return
            }
        }
    }

    package nonisolated func isAlive(_ instance: Instance) async -> Bool {
        Self.isSameLiveProcess(instance)
    }

    package func adopt(_ instance: Instance) async {
        if let current = watched[instance.pid] {
            if current.instance.startToken != instance.startToken {
                // The pid belongs to a process we watch, so the recorded instance is long gone.
                exitSink.yield(InstanceExit(instance: instance, status: nil, signal: nil, requested: false))
            }
            return
        }
        watched[instance.pid] = WatchedProcess(instance: instance, isChild: false)
        logger.info("adopted instance", metadata: Self.metadata(instance))
    }

    package func logTail(_ instance: Instance, lines: Int) async -> String {
        await waitForRelay(of: instance)
        let path = instance.logFile
        return await BlockingIO.run { LogTail.read(path: path, lines: lines) }
    }

    /// The pid is alive and is the process the instance recorded, not a recycled pid.
    static func isSameLiveProcess(_ instance: Instance) -> Bool {
        guard instance.pid > 0, let stat = ProcStat.read(pid: instance.pid) else { return false }
        return stat.startTime == instance.startToken && !stat.isExited
    }

    static func metadata(_ instance: Instance) -> Logger.Metadata {
        ["service": "\(instance.service)", "release": "\(instance.releaseID)", "pid": "\(instance.pid)"]
    }
}
