import Foundation
import Glibc
import SlipwayCore
import SlipwayModel
import SlipwayPOSIX

extension ProcessRuntime {
    public func start(_ release: Release, service: ServiceConfig) async throws -> Instance {
        func failure(_ reason: String) -> SlipwayError {
            SlipwayError(.startFailed, "cannot start \(service.name) release \(release.id): \(reason)",
                         context: ErrorContext(service: service.name))
        }
        guard Self.isPlainName(service.name), Self.isPlainName(release.id) else {
            throw failure("the service name and release id must be plain file names")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: release.directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw failure("its release directory \(release.directory) does not exist")
        }

        let logFile = LogFile.path(directory: logDirectory, service: service.name, releaseID: release.id)
        let port: Int
        let pid: pid_t
        do {
            port = try freePort()
            let output = try LogFile.openForAppend(logFile)
            defer { close(output) }
            LogFile.appendMarker("==> slipway: starting \(service.name) release \(release.id) (\(release.version)) "
                                 + "on 127.0.0.1:\(port) at \(Date.now.ISO8601Format())", to: output)
            pid = try ChildSpawn.spawn(ChildSpawn.Plan(
                executable: "/bin/sh", arguments: ["-c", "exec \(service.run)"],
                environment: ServiceEnvironment.compose(base: ProcessInfo.processInfo.environment,
                                                        release: release, service: service, port: port),
                directory: release.directory,
                stdout: output, stderr: output))
        } catch {
            throw failure(String(describing: error))
        }

        // Our unreaped child always has a stat file, even if it has already exited.
        let startToken = ProcStat.read(pid: pid)?.startTime ?? 0
        let instance = Instance(service: service.name, releaseID: release.id, pid: pid, port: port,
                                startToken: startToken, logFile: logFile)
        if let status = await exitDuringStartCheck(pid: pid) {
            let tail = await logTail(instance, lines: 20)
            throw failure("it exited at once (\(Self.describe(status))); its last output:\n\(tail)")
        }
        watched[pid] = WatchedProcess(instance: instance, isChild: true)
        logger.info("started instance on 127.0.0.1:\(port)", metadata: Self.metadata(instance))
        return instance
    }

    /// Waits `startCheck` for the new child to exit; returns its status if it did (it is reaped).
    func exitDuringStartCheck(pid: pid_t) async -> WaitStatus? {
        let deadline = ContinuousClock.now + startCheck
        while true {
            switch Self.reapChild(pid) {
            case .exited(let status): return status
            case .reapedElsewhere: return WaitStatus(raw: 0)
            case .running: break
            }
            if ContinuousClock.now >= deadline || Task.isCancelled { return nil }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// A port the kernel reports free that none of our live instances holds.
    func freePort() throws(SpawnError) -> Int {
        let taken = Set(watched.values.map(\.instance.port))
        for _ in 0..<16 {
            let port = try LoopbackPort.pick()
            if !taken.contains(port) { return port }
        }
        throw SpawnError("no free loopback port found")
    }

    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("\0")
    }

    static func describe(_ status: WaitStatus) -> String {
        if let code = status.exitStatus { return "status \(code)" }
        if let signal = status.terminatingSignal { return "signal \(signal)" }
        return "unknown status"
    }
}
