import Foundation
import Logging
import SlipwayModel
import SlipwayPOSIX

/// The proxy process as the controller sees it: started (`slipway proxy run`, its own session, like
/// a release), adopted when one already serves this state directory (pid and start time, as
/// releases are adopted), replaced through a hand-off when it runs another build, started again
/// when it died. One at a time: an actor, so a supervision tick and a failed request never start
/// two.
package actor ProxyProcess {
    package struct Launch: Sendable {
        /// The `slipway` executable to run as `slipway proxy run`.
        package var executable: String
        package var listen: SocketAddressSpec
        package var idleTimeout: Duration
        /// `proxy.tls`, passed to the process as JSON (`--tls`).
        package var tls: ProxyTLSConfig?

        package init(executable: String, listen: SocketAddressSpec, idleTimeout: Duration, tls: ProxyTLSConfig? = nil) {
            self.executable = executable
            self.listen = listen
            self.idleTimeout = idleTimeout
            self.tls = tls
        }
    }

    /// How `start` found the proxy.
    package enum Start: Equatable, Sendable {
        case started
        case adopted
        /// It ran another build: replaced by a hand-off, no connection refused.
        case reloaded
        /// It listened elsewhere: replaced by a hand-off to one on the configured address (the
        /// sockets still wanted, a TLS listener that stays where it was, are taken over; the old
        /// address is closed).
        case moved
        /// It ran with another idle timeout or TLS settings: replaced by a hand-off to one with the configured ones.
        case reconfigured
    }

    package let files: ProxyFiles
    let launch: Launch
    let logger: Logger
    let client: ProxyControlClient
    /// Children this process spawned and has not reaped yet.
    private var children: Set<Int32> = []
    private(set) package var current: ProxyStatus?

    package init(files: ProxyFiles, launch: Launch, logger: Logger) {
        self.files = files
        self.launch = launch
        self.logger = logger
        self.client = ProxyControlClient(files: files)
    }

    /// Adopts the proxy serving this state directory, replacing it if it runs another build or
    /// listens elsewhere, or starts one.
    package func start() async throws -> Start {
        reapChildren()
        guard let running = await runningProxy() else {
            current = try await spawn(takeOver: false)
            return .started
        }
        if running.listen != launch.listen.description && launch.listen.port != 0 {
            // A hand-off, not a fresh start beside it: a TLS listener on the same address could not
            // be bound while the old process holds it.
            current = try await spawn(takeOver: true)
            return .moved
        }
        if running.build != ExecutableIdentity.of(path: launch.executable) {
            current = try await spawn(takeOver: true)
            return .reloaded
        }
        if running.idleTimeoutMilliseconds != launch.idleTimeout.milliseconds || running.tls != launch.tls {
            current = try await spawn(takeOver: true)
            return .reconfigured
        }
        current = running
        return .adopted
    }

    /// Replaces the running proxy by a new process of `launch.executable`, handing it the listening
    /// sockets (`slipway proxy reload`, or an upgrade). Starts one if none runs.
    package func reload() async throws -> ProxyStatus {
        reapChildren()
        let status = try await spawn(takeOver: await runningProxy() != nil)
        current = status
        return status
    }

    /// Starts a proxy again if the one serving this directory is gone (crashed, killed). Returns
    /// the new one's status when it did.
    package func restartIfGone() async -> ProxyStatus? {
        reapChildren()
        if let status = files.readState(), Self.isAlive(status) {
            current = status
            return nil
        }
        do {
            logger.warning("the proxy process is gone; starting it again with its last route table")
            // On the port it had: with `listen: …:0` a new one would bind another port.
            let previous = files.readState().flatMap { SocketAddressSpec(parsing: $0.listen) }
            let status = try await spawn(takeOver: false, listen: launch.listen.port == 0 ? previous : nil)
            current = status
            return status
        } catch {
            logger.error("cannot start the proxy process", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Kills the proxy `proxy.json` names if it is alive (it does not answer: hung), so that the
    /// next `restartIfGone` starts it again. Says whether it did.
    package func killIfHung() -> Bool {
        guard let status = files.readState(), Self.isAlive(status) else { return false }
        kill(status.pid, SIGKILL)
        reapChildren()
        return true
    }

    /// Stops the serving proxy: it stops accepting, finishes its exchanges and exits.
    package func stop() async {
        reapChildren()
        guard let running = files.readState(), Self.isAlive(running) else { return }
        try? await stop(running)
    }

    /// By signal, not over the control socket: after a move, the socket's path leads to the new one.
    private func stop(_ status: ProxyStatus) async throws {
        guard Self.isAlive(status) else { return }
        kill(status.pid, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(30)
        while Self.isAlive(status) && ContinuousClock.now < deadline {
            reapChildren()
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The proxy `proxy.json` names, if that process is alive and answers on the control socket.
    /// One that is alive but does not answer is hung: it is killed, so a new one can bind.
    private func runningProxy() async -> ProxyStatus? {
        guard let recorded = files.readState(), Self.isAlive(recorded) else { return nil }
        guard let reply = try? await client.send(ProxyControlRequest(.status), timeout: .seconds(5)),
              let status = reply.status, status.pid == recorded.pid else {
            logger.warning("a proxy process is alive but does not answer on its control socket; killing it",
                           metadata: ["pid": "\(recorded.pid)"])
            kill(recorded.pid, SIGKILL)
            let deadline = ContinuousClock.now + .seconds(5)
            while Self.isAlive(recorded) && ContinuousClock.now < deadline {
                reapChildren()
                try? await Task.sleep(for: .milliseconds(10))
            }
            return nil
        }
        return status
    }

    /// Starts `slipway proxy run` and returns once it serves and answers (its pid in `proxy.json`).
    private func spawn(takeOver: Bool, listen: SocketAddressSpec? = nil) async throws -> ProxyStatus {
        let log = open(files.log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard log >= 0 else {
            throw SlipwayError(.internalError, "cannot open \(files.log): \(String(cString: strerror(errno)))")
        }
        defer { close(log) }
        let logStart = lseek(log, 0, SEEK_END)
        var arguments = ["proxy", "run", "--state-directory", files.stateDirectory,
                         "--listen", (listen ?? launch.listen).description,
                         "--idle-timeout-ms", "\(launch.idleTimeout.milliseconds)"]
        if files.environment != ServiceKey.defaultEnvironment { arguments += ["--environment", files.environment] }
        if let tls = launch.tls {
            arguments += ["--tls", String(decoding: try JSONEncoder().encode(tls), as: UTF8.self)]
        }
        if takeOver { arguments.append("--take-over") }
        let environment = ProcessInfo.processInfo.environment.filter { ["PATH", "HOME", "TMPDIR", "LANG"].contains($0.key) }
        let pid = try ChildSpawn.spawn(.init(executable: launch.executable, arguments: arguments, environment: environment,
                                             directory: files.stateDirectory, stdout: log, stderr: log))
        children.insert(pid)
        let deadline = ContinuousClock.now + .seconds(takeOver ? 75 : 15)
        while ContinuousClock.now < deadline {
            if let status = files.readState(), status.pid == pid {
                logger.info("proxy process serving", metadata: ["pid": "\(pid)", "address": "\(status.listen)",
                                                               "tookOver": "\(takeOver)"])
                return status
            }
            if Self.hasExited(pid) {
                reapChildren()
                throw SlipwayError(.internalError, "the proxy process exited at start: \(lastError(since: logStart) ?? "no reason given"); see \(files.log)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw SlipwayError(.internalError, "the proxy process did not start serving within \(takeOver ? 75 : 15) s; see \(files.log)")
    }

    /// The last `error:` line the proxy wrote to its log after `offset` (what `slipway proxy run`
    /// prints when it cannot start: an address in use, say).
    private func lastError(since offset: off_t) -> String? {
        guard let handle = FileHandle(forReadingAtPath: files.log) else { return nil }
        defer { try? handle.close() }
        try? handle.seek(toOffset: UInt64(max(offset, 0)))
        let text = String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
        return text.split(separator: "\n").last { $0.hasPrefix("error: ") }.map { String($0.dropFirst("error: ".count)) }
    }

    private func reapChildren() {
        for pid in children {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid || (result == -1 && errno == ECHILD) { children.remove(pid) }
        }
    }

    private static func hasExited(_ pid: Int32) -> Bool {
        guard let stat = ProcStat.read(pid: pid) else { return true }
        return stat.isExited
    }

    static func isAlive(_ status: ProxyStatus) -> Bool {
        guard let stat = ProcStat.read(pid: status.pid) else { return false }
        return !stat.isExited && stat.startTime == status.startTime
    }
}
