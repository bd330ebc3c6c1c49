import SlipwayPOSIX
import Foundation
import Glibc
import SlipwayCore
import SlipwayModel
import SlipwayTestSupport
import Testing
@testable import SlipwayProcessRuntime

@Suite("Starting instances")
struct StartTests {
    @Test func servesHTTPOnTheAssignedLoopbackPort() async throws {
        try await RuntimeHarness.run { harness in
            try harness.workspace.write("index.html", "hello from the release\n")
            let instance = try await harness.start("python3 -m http.server $PORT --bind 127.0.0.1")

            #expect(instance.port > 0)
            var response: LoopbackHTTP.Response?
            try await waitUntil("port \(instance.port) to serve") {
                response = await LoopbackHTTP.probe(port: instance.port, path: "/index.html")
                return response != nil
            }
            #expect(response?.version == "HTTP/1.0")
            #expect(response?.status == 200)
            #expect(response?.body.contains("hello from the release") == true)
        }
    }

    @Test(arguments: [
        ("./server --port $PORT", true), ("python3 app.py > out.log 2>&1", true), ("echo 'a;b' \"c|d\" e\\&f", true),
        ("cd api && ./server", false), ("./migrate; ./server", false), ("./server | tee log", false), ("./server &", false), ("./server &> log", false), ("./server 2>&1 >| log", true),
        ("LOG=debug ./server", false), ("exec ./server", false), ("if true; then ./server; fi", false), ("(./server)", false),
    ])
    func simpleCommandsAreExecedAndTheRestRunAsScripts(_ run: String, simple: Bool) {
        #expect(ShellCommandLine.isSimpleCommand(run) == simple)
        #expect(ShellCommandLine.script(for: run) == (simple ? "exec " + run : run))
    }

    @Test func aCompoundRunLineRunsAsAShellScriptAndStopsAsAGroup() async throws {
        try await RuntimeHarness.run { harness in
            try FileManager.default.createDirectory(atPath: harness.workspace.releaseDirectory + "/api",
                                                    withIntermediateDirectories: true)
            let instance = try await harness.start("cd api && echo \"in $(pwd)\" && sleep 600")
            try await harness.waitForLog(instance, containing: "in \(harness.workspace.releaseDirectory)/api")
            #expect(await harness.runtime.isAlive(instance))
            await harness.runtime.stop(instance, timeout: .seconds(5))
            #expect(!ProcessGroup(id: instance.pid).hasLiveMembers, "the shell and its sleep are both gone")
        }
    }

    @Test func leadingAssignmentsAndAnExplicitExecWork() async throws {
        try await RuntimeHarness.run { harness in
            let assigned = try await harness.start("GREETING=hello sh -c 'echo greeting=$GREETING; exec sleep 600'")
            try await harness.waitForLog(assigned, containing: "greeting=hello")
            let explicit = try await harness.start("exec sh -c 'echo explicit exec; exec sleep 600'",
                                                   releaseID: "20260101000000-bbbbbbbb")
            try await harness.waitForLog(explicit, containing: "explicit exec")
            #expect(await harness.runtime.isAlive(explicit))
        }
    }

    @Test func portServiceEnvironmentAndSlipwayVariablesReachTheProcess() async throws {
        try await RuntimeHarness.run { harness in
            try harness.workspace.write("env.sh", """
                echo "port=$PORT service=$SLIPWAY_SERVICE release=$SLIPWAY_RELEASE version=$SLIPWAY_VERSION"
                echo "level=$LOG_LEVEL cwd=$(pwd)"
                exec sleep 600
                """)
            let instance = try await harness.start("sh env.sh", env: ["LOG_LEVEL": "debug"])

            try await harness.waitForLog(instance, containing: "cwd=")
            let log = await harness.runtime.logTail(instance, lines: 10)
            #expect(log.contains("port=\(instance.port) service=web release=20260101000000-abcdef12 version=v1"))
            #expect(log.contains("level=debug cwd=\(harness.workspace.releaseDirectory)"))
        }
    }

    @Test func runsInItsOwnSessionAndProcessGroup() async throws {
        try await RuntimeHarness.run { harness in
            let instance = try await harness.start("sleep 600")
            let stat = try #require(ProcStat.read(pid: instance.pid))

            #expect(stat.session == instance.pid)
            #expect(stat.processGroup == instance.pid)
            #expect(stat.processGroup != getpgrp())
            #expect(stat.parent == getpid())
            #expect(stat.startTime == instance.startToken)
        }
    }

    @Test func stdinIsDevNullAndNoDaemonDescriptorLeaks() async throws {
        try await RuntimeHarness.run { harness in
            // A descriptor the "daemon" holds without close-on-exec must still not reach the child.
            let secret = harness.workspace.root + "/daemon-only-file"
            let leaked = open(secret, O_RDWR | O_CREAT, 0o600)
            defer { close(leaked) }
            try harness.workspace.write("fds.sh", """
                echo "stdin=$(readlink /proc/self/fd/0)"
                for fd in /proc/$$/fd/*; do echo "open: $(readlink $fd)"; done
                echo "listed"
                exec sleep 600
                """)
            let instance = try await harness.start("sh fds.sh")

            try await harness.waitForLog(instance, containing: "listed")
            let log = await harness.runtime.logTail(instance, lines: 50)
            #expect(log.contains("stdin=/dev/null"))
            // Its output is a pipe to its relay; the log itself is open in the relay alone.
            #expect(log.contains("open: pipe:["))
            #expect(!log.contains("open: \(instance.logFile)"))
            #expect(!log.contains("daemon-only-file"))
        }
    }

    @Test func aCommandThatExitsAtOnceIsReportedWithItsStatusAndOutput() async throws {
        try await RuntimeHarness.run { harness in
            // `start` returns once spawned (the health gate, probing, notices the exit); the exit
            // itself is reported with its status, and the log says why.
            let instance = try await harness.start("no-such-command-slipway-test")
            let exit = try await harness.exits.waitForExit(of: instance)
            #expect(exit.status == 127)
            #expect(!exit.requested)
            #expect(await harness.runtime.isAlive(instance) == false)
            #expect(await harness.runtime.logTail(instance, lines: 5).contains("not found"))
        }
    }

    @Test func aMissingReleaseDirectoryFailsToStart() async throws {
        try await RuntimeHarness.run { harness in
            var release = harness.workspace.release()
            release.directory = harness.workspace.root + "/does-not-exist"
            let error = await #expect(throws: SlipwayError.self) {
                try await harness.runtime.start(release, service: harness.service(run: "sleep 600"))
            }
            #expect(error?.code == .startFailed)
            #expect(error?.message.contains("does-not-exist") == true)
        }
    }

    @Test func logFileIsCreatedWithMode0640() async throws {
        try await RuntimeHarness.run { harness in
            let instance = try await harness.start("sleep 600")
            #expect(instance.logFile == harness.workspace.logDirectory + "/web/20260101000000-abcdef12.log")
            let attributes = try FileManager.default.attributesOfItem(atPath: instance.logFile)
            #expect((attributes[.posixPermissions] as? Int) == 0o640)
        }
    }

    @Test func concurrentInstancesGetDistinctPorts() async throws {
        try await RuntimeHarness.run { harness in
            var ports: Set<Int> = []
            for index in 0..<5 {
                ports.insert(try await harness.start("sleep 600", releaseID: "20260101000000-0000000\(index)").port)
            }
            #expect(ports.count == 5)
        }
    }
}
