import SlipwayPOSIX
import Foundation
import Glibc
import SlipwayCore
import SlipwayModel
import Testing
@testable import SlipwayProcessRuntime

@Suite("Stopping instances and reporting exits")
struct StopTests {
    static let gracefulOnTERM = """
        import signal, sys, time
        def stop(*_):
            print("got TERM", flush=True)
            sys.exit(0)
        signal.signal(signal.SIGTERM, stop)
        print("ready", flush=True)
        while True:
            time.sleep(1)
        """

    static let ignoresTERM = """
        import signal, time
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("ready", flush=True)
        while True:
            time.sleep(1)
        """

    @Test func stopSendsSIGTERMAndReportsARequestedExit() async throws {
        try await RuntimeHarness.run { harness in
            try harness.workspace.write("app.py", Self.gracefulOnTERM)
            let instance = try await harness.start("python3 app.py")
            try await harness.waitForLog(instance, containing: "ready")

            await harness.runtime.stop(instance, timeout: .seconds(10))

            #expect(!(await harness.runtime.isAlive(instance)))
            let exit = try await harness.exits.waitForExit(of: instance)
            #expect(exit.requested)
            #expect(exit.status == 0)
            #expect(exit.signal == nil)
            #expect(await harness.runtime.logTail(instance, lines: 5).contains("got TERM"))
        }
    }

    /// A daemon under ServiceLifecycle ignores SIGTERM itself (it handles it through a Dispatch
    /// source), and ignored dispositions survive exec: the child must get default ones back.
    @Test func aServiceDoesNotInheritTheDaemonsIgnoredSignals() async throws {
        try await RuntimeHarness.run { harness in
            let previous = signal(SIGTERM, SIG_IGN)
            let instance: Instance
            do {
                defer { signal(SIGTERM, previous) }
                instance = try await harness.start("sleep 600")
            }
            let status = try String(contentsOfFile: "/proc/\(instance.pid)/status", encoding: .utf8)
            let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("SigIgn:") })
            let ignored = try #require(UInt64(line.dropFirst("SigIgn:".count).trimmingCharacters(in: .whitespaces), radix: 16))
            // Signal N is bit N-1; only glibc's own real-time signals (32 and above) may stay ignored.
            #expect(ignored & 0x7FFF_FFFF == 0, "ignored signal mask \(String(ignored, radix: 16))")

            await harness.runtime.stop(instance, timeout: .seconds(10))
            let exit = try await harness.exits.waitForExit(of: instance)
            #expect(exit.signal == SIGTERM)
        }
    }

    @Test func aProcessIgnoringTERMIsKilledAfterTheTimeout() async throws {
        try await RuntimeHarness.run { harness in
            try harness.workspace.write("app.py", Self.ignoresTERM)
            let instance = try await harness.start("python3 app.py")
            try await harness.waitForLog(instance, containing: "ready")

            let began = ContinuousClock.now
            await harness.runtime.stop(instance, timeout: .milliseconds(300))
            let took = ContinuousClock.now - began

            #expect(took >= .milliseconds(300))
            #expect(!(await harness.runtime.isAlive(instance)))
            let exit = try await harness.exits.waitForExit(of: instance)
            #expect(exit.requested)
            #expect(exit.signal == SIGKILL)
            #expect(exit.status == nil)
        }
    }

    @Test func stopAlsoEndsWhatTheServiceStartedInItsGroup() async throws {
        try await RuntimeHarness.run { harness in
            try harness.workspace.write("parent.sh", """
                sleep 600 &
                echo "child=$!"
                wait
                """)
            let instance = try await harness.start("sh parent.sh")
            try await harness.waitForLog(instance, containing: "child=")
            let log = await harness.runtime.logTail(instance, lines: 5)
            let line = try #require(log.split(separator: "\n").first { $0.hasPrefix("child=") })
            let child = try #require(Int32(line.dropFirst("child=".count)))
            #expect(ProcStat.read(pid: child)?.processGroup == instance.pid)

            await harness.runtime.stop(instance, timeout: .seconds(5))

            let stat = ProcStat.read(pid: child)
            #expect(stat == nil || stat?.isExited == true || stat?.processGroup != instance.pid)
        }
    }

    @Test func aCrashIsReportedWithItsStatusAsNotRequested() async throws {
        try await RuntimeHarness.run { harness in
            try harness.workspace.write("crash.sh", """
                echo "waiting for the signal to crash"
                while [ ! -e crash-now ]; do sleep 0.02; done
                echo "crashing" >&2
                exit 3
                """)
            let instance = try await harness.start("sh crash.sh")
            try harness.workspace.write("crash-now", "")

            let exit = try await harness.exits.waitForExit(of: instance)
            #expect(!exit.requested)
            #expect(exit.status == 3)
            #expect(exit.signal == nil)
            #expect(exit.summary == "exited with status 3")
            #expect(await harness.runtime.logTail(instance, lines: 1) == "crashing")
        }
    }

    @Test func aKillFromOutsideIsReportedWithItsSignal() async throws {
        try await RuntimeHarness.run { harness in
            let instance = try await harness.start("sleep 600")
            kill(instance.pid, SIGKILL)

            let exit = try await harness.exits.waitForExit(of: instance)
            #expect(!exit.requested)
            #expect(exit.signal == SIGKILL)
        }
    }

    @Test func stopIsIdempotentAndReportsOneExit() async throws {
        try await RuntimeHarness.run { harness in
            let instance = try await harness.start("sleep 600")

            await harness.runtime.stop(instance, timeout: .seconds(5))
            await harness.runtime.stop(instance, timeout: .seconds(5))

            _ = try await harness.exits.waitForExit(of: instance)
            #expect(await harness.exits.exits(of: instance).count == 1)
        }
    }

    @Test func stopOfAnInstanceThatAlreadyCrashedReturnsAtOnce() async throws {
        try await RuntimeHarness.run { harness in
            try harness.workspace.write("crash.sh", "while [ ! -e crash-now ]; do sleep 0.02; done; exit 1\n")
            let instance = try await harness.start("sh crash.sh")
            try harness.workspace.write("crash-now", "")
            _ = try await harness.exits.waitForExit(of: instance)

            let began = ContinuousClock.now
            await harness.runtime.stop(instance, timeout: .seconds(30))
            #expect(ContinuousClock.now - began < .seconds(5))
            #expect(await harness.exits.exits(of: instance).count == 1)
        }
    }

    @Test func exitedChildrenAreAlwaysReaped() async throws {
        try await RuntimeHarness.run { harness in
            try harness.workspace.write("crash.sh", "while [ ! -e crash-now ]; do sleep 0.02; done; exit 2\n")
            let crashing = try await harness.start("sh crash.sh", releaseID: "20260101000000-00000001")
            let stopped = try await harness.start("sleep 600", releaseID: "20260101000000-00000002")
            let killed = try await harness.start("sleep 600", releaseID: "20260101000000-00000003")

            try harness.workspace.write("crash-now", "")
            await harness.runtime.stop(stopped, timeout: .seconds(5))
            kill(killed.pid, SIGKILL)
            for instance in [crashing, stopped, killed] {
                _ = try await harness.exits.waitForExit(of: instance)
            }

            for instance in [crashing, stopped, killed] {
                // Reaped: no stat file, or the pid already belongs to some other process.
                let stat = ProcStat.read(pid: instance.pid)
                #expect(stat == nil || stat?.startTime != instance.startToken, "pid \(instance.pid) left as a zombie")
            }
        }
    }
}
