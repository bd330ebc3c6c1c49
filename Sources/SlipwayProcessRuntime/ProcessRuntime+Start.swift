import Foundation
import Glibc
import SlipwayCore
import SlipwayModel
import SlipwayPOSIX

extension ProcessRuntime {
    /// Returns as soon as the process is spawned: one that exits at once (a missing command) is
    /// reported on `exits` with its status, and the health gate, which probes a starting release
    /// within milliseconds, fails on it with the log's last lines. No blind wait here.
    package func start(_ release: Release, service: ServiceConfig) async throws -> Instance {
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
            let log = try LogFile.openForAppend(logFile)
            defer { close(log) }
            LogFile.appendMarker("==> slipway: starting \(service.name) release \(release.id) (\(release.version)) "
                                 + "on 127.0.0.1:\(port) at \(Date.now.ISO8601Format())", to: log)
            // The release writes into a pipe, never into its log: its relay redacts what it reads.
            let output = try ChildSpawn.makePipe()
            defer { close(output.write) }
            let relayPID: pid_t
            do {
                relayPID = try startRelay(reading: output.read, into: log)
            } catch {
                close(output.read)
                throw SpawnError("cannot start its log relay: \(error)")
            }
            close(output.read)
            // Reaped from now on (0: no instance yet); should the release not start, the relay ends
            // with the pipe all the same.
            relays[relayPID] = 0
            pid = try ChildSpawn.spawn(ChildSpawn.Plan(
                executable: "/bin/sh", arguments: ["-c", ShellCommandLine.script(for: service.run)],
                environment: ServiceEnvironment.compose(base: ProcessInfo.processInfo.environment.filter { $0.key != StageMarker.variable },
                                                        release: release, service: service, port: port),
                directory: release.directory,
                stdout: output.write, stderr: output.write))
            relays[relayPID] = pid
        } catch {
            throw failure(String(describing: error))
        }

        // Our unreaped child always has a stat file, even if it has already exited.
        let startToken = ProcStat.read(pid: pid)?.startTime ?? 0
        var instance = Instance(service: service.name, releaseID: release.id, pid: pid, port: port,
                                startToken: startToken, logFile: logFile)
        instance.key = service.key
        watched[pid] = WatchedProcess(instance: instance, isChild: true)
        logger.info("started instance on 127.0.0.1:\(port)", metadata: Self.metadata(instance))
        return instance
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
}
