import Glibc
import SlipwayPOSIX

extension Command {
    /// How long output is still read after the command exits, for something it left behind that
    /// holds the pipe open.
    static let outputGrace: Duration = .milliseconds(500)
    /// Between SIGTERM and SIGKILL when the timeout strikes.
    static let killGrace: Duration = .seconds(2)
    /// Kept of captured stdout or stderr; git's answers to us are far smaller.
    static let captureLimit = 16 << 20

    /// Runs the command to completion without blocking a thread of the cooperative pool: its pipes
    /// are non-blocking and its exit is polled. Past `timeout` its process group gets SIGTERM, then
    /// SIGKILL. Whatever it leaves running in its group is killed when it exits.
    ///
    /// With `lines`, stdout and stderr are merged in the order written and handed over line by
    /// line, redacted; without, each is captured as is.
    func run(lines: (@Sendable (String) -> Void)? = nil) async throws -> Outcome {
        let output = try Self.makePipe()
        let errors = lines == nil ? try Self.makePipe() : nil
        let pid: pid_t
        do {
            pid = try ChildSpawn.spawn(ChildSpawn.Plan(
                executable: executable, arguments: arguments, environment: environment, directory: directory,
                stdout: output.write, stderr: errors?.write ?? output.write))
        } catch {
            for fd in [output.read, output.write, errors?.read, errors?.write].compactMap({ $0 }) { close(fd) }
            throw CommandError(error)
        }
        close(output.write)
        if let errors { close(errors.write) }

        var outputReader = PipeReader(fd: output.read, lines: lines, keptLines: Self.keptLines, captureLimit: Self.captureLimit,
                                      redactor: redactor)
        var errorReader = errors.map { PipeReader(fd: $0.read, lines: nil, keptLines: 0, captureLimit: Self.captureLimit) }
        defer {
            outputReader.close()
            errorReader?.close()
        }

        let deadline = ContinuousClock.now + timeout
        var timedOut = false
        var killAt: ContinuousClock.Instant?
        var exitedAt: ContinuousClock.Instant?
        var pause = Duration.milliseconds(1)
        while true {
            if Task.isCancelled {
                kill(-pid, SIGKILL)
                _ = await Self.reapAfterKill(pid)
                throw CancellationError()
            }
            var progressed = outputReader.drain()
            if errorReader?.drain() == true { progressed = true }
            let now = ContinuousClock.now
            if exitedAt == nil {
                if Self.hasExited(pid) {
                    exitedAt = now
                    progressed = true
                } else if !timedOut, now >= deadline {
                    timedOut = true
                    kill(-pid, SIGTERM)
                    killAt = now + Self.killGrace
                } else if let at = killAt, now >= at {
                    kill(-pid, SIGKILL)
                    killAt = nil
                }
            }
            if let exitedAt {
                let allRead = outputReader.isAtEnd && errorReader?.isAtEnd != false
                if allRead || now - exitedAt >= Self.outputGrace { break }
            }
            if progressed {
                pause = .milliseconds(1)
            } else {
                // Cancellation is handled at the top of the loop.
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(25))
            }
        }
        // The leader has exited but is not reaped yet, so its pid, the group's id, cannot have been
        // reused: this reaches only what the command left behind.
        kill(-pid, SIGKILL)
        outputReader.finish()
        return Outcome(termination: Self.reap(pid), timedOut: timedOut,
                       output: outputReader.captured, errorOutput: errorReader?.captured ?? [],
                       lastLines: outputReader.lastLines)
    }

    private static func makePipe() throws(CommandError) -> (read: Int32, write: Int32) {
        do {
            return try ChildSpawn.makePipe()
        } catch {
            throw CommandError(error)
        }
    }

    /// Whether the child has exited, without reaping it (`WNOWAIT`).
    private static func hasExited(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        guard waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 else {
            return errno == ECHILD
        }
        return info._sifields._kill.si_pid == pid
    }

    /// Reaps a child known to have exited.
    private static func reap(_ pid: pid_t) -> Termination {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            if errno != EINTR { return .signalled(SIGKILL) }
        }
        return status & 0x7F == 0 ? .exited((status >> 8) & 0xFF) : .signalled(status & 0x7F)
    }

    /// After SIGKILL the child exits at once; the wait blocks a Dispatch thread, not the pool.
    private static func reapAfterKill(_ pid: pid_t) async -> Termination {
        await BlockingIO.run { reap(pid) }
    }
}
