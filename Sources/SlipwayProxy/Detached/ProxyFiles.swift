import Foundation
import SlipwayModel

/// Where a proxy process and its controller meet, in the state directory: the control socket,
/// `proxy.json` (the running proxy's identity and route table, rewritten atomically after every
/// change) and the proxy's own log. Each environment has its own proxy process: the default
/// environment's files are `proxy.sock`, `proxy.json` and `logs/proxy.log`; another's carry its
/// name (`proxy-staging.sock`, …).
package struct ProxyFiles: Sendable {
    package let stateDirectory: String
    /// The environment whose proxy this is.
    package let environment: String

    package init(stateDirectory: String, environment: String = ServiceKey.defaultEnvironment) {
        self.stateDirectory = stateDirectory
        self.environment = environment
    }

    /// `proxy`, or `proxy-NAME` outside the default environment.
    private var stem: String {
        environment == ServiceKey.defaultEnvironment ? "proxy" : "proxy-\(environment)"
    }

    package var controlSocket: String { stateDirectory + "/\(stem).sock" }
    package var stateFile: String { stateDirectory + "/\(stem).json" }
    package var log: String { stateDirectory + "/logs/\(stem).log" }

    /// Where a successor with pid `pid` waits for its predecessor's sockets.
    package func handOffSocket(pid: Int32) -> String { stateDirectory + "/proxy-handoff-\(pid).sock" }

    /// The last state a proxy wrote; nil when there is none or it does not parse (a proxy then
    /// starts with an empty table, and the controller configures it again).
    package func readState() -> ProxyStatus? {
        guard let data = FileManager.default.contents(atPath: stateFile) else { return nil }
        return try? JSONDecoder().decode(ProxyStatus.self, from: data)
    }

    /// Write-temp-then-rename: a reader, or a proxy started after a crash mid-write, sees the
    /// previous table or this one, never half of one. No fsync: the file outlives a crash of the
    /// proxy process, which is what it is for; after a crash of the machine nothing is running and
    /// the controller configures every route again.
    package func writeState(_ status: ProxyStatus) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(status)
        let temporary = stateFile + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw SlipwayError(.internalError, "cannot write \(temporary)")
        }
        guard rename(temporary, stateFile) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw SlipwayError(.internalError, "cannot rename \(temporary) to \(stateFile): \(reason)")
        }
    }
}
