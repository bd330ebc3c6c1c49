import Foundation
import SlipwayPOSIX
import SlipwayModel

/// A throwaway git repository holding the bundled example service, one tagged commit per release:
/// v1 and v2 healthy, v3 whose health check fails.
struct DemoRepository {
    let root: String

    static func create(exampleBinary: String) throws -> DemoRepository {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-demo-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let repository = DemoRepository(root: root)
        try repository.git("init", "--quiet", "--initial-branch=main")
        try repository.write("slipway.yml", """
            # The demo's configuration: one service, the bundled example, behind the proxy on a free port.
            proxy:
              listen: 127.0.0.1:0
            services:
              web:
                run: '\(exampleBinary)'
                build: test -f VERSION
                route:
                  path: /
                health:
                  path: /health
                  interval: 100ms
                  timeout: 1s
                  healthy_threshold: 2
                  unhealthy_threshold: 3
                  start_timeout: 3s
                  expect:
                    status: 200
                    json: { status: healthy }
                drain_timeout: 5s
                stop_timeout: 5s
                watch: 10s
                retain: 5
            """)
        for (version, health) in [("v1", "ok"), ("v2", "ok"), ("v3", "fail")] {
            try repository.write("VERSION", version + "\n")
            try repository.write("HEALTH", health + "\n")
            try repository.git("add", "-A")
            try repository.git("commit", "--quiet", "-m", "example service \(version)")
            try repository.git("tag", version)
        }
        return repository
    }

    var configFile: String { root + "/slipway.yml" }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: root + "/" + name, atomically: true, encoding: .utf8)
    }

    func git(_ arguments: String...) throws {
        // posix_spawn, not Foundation's `Process`, whose `run()` can crash on Linux
        // (swift-corelibs-foundation#5472) and whose `waitUntilExit()` can sleep on for good.
        let errors: (read: Int32, write: Int32)
        let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer { close(null) }
        let pid: pid_t
        do {
            errors = try ChildSpawn.makePipe()
            defer { close(errors.write) }
            pid = try ChildSpawn.spawn(ChildSpawn.Plan(
                executable: "git",
                arguments: ["-c", "user.name=Slipway Demo", "-c", "user.email=demo@slipway.invalid",
                            "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"] + arguments,
                environment: ProcessInfo.processInfo.environment, directory: root, stdout: null, stderr: errors.write))
        } catch {
            throw SlipwayError(.internalError, "cannot run git: \(error)")
        }
        let text = String(decoding: FileHandle(fileDescriptor: errors.read, closeOnDealloc: true).readDataToEndOfFile(), as: UTF8.self)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else {
            throw SlipwayError(.internalError, "git \(arguments.joined(separator: " ")) failed: \(text)")
        }
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }
}
