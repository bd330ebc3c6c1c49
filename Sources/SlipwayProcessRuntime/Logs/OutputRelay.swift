import Foundation
import Glibc
import SlipwayModel
import SlipwayPOSIX

/// The process between a release and its log file (`slipway log-relay`, started by the runtime with
/// each instance): it reads what the release writes to its stdout and stderr from a pipe, passes it
/// through the redactor and appends it to the log, so a secret a service prints never reaches the
/// disk. It is a process of its own, in its own session, because a release outlives the daemon:
/// a daemon killed outright must neither kill a release's output nor leave it without a reader.
///
/// It stops at the end of its input, when the release and everything it started that holds the
/// pipe have exited. Until then it never stops reading: signals that end a process (TERM, INT,
/// HUP, PIPE) are ignored, as `pkill slipway` or a closed terminal must not turn a release's next
/// write into a SIGPIPE; and output it cannot write (a full disk) is dropped, not waited on.
package enum OutputRelay {
    /// The `slipway` subcommand that runs it.
    package static let subcommand = "log-relay"
    /// The relay learns the secrets from its environment (a JSON list of strings), never from a file:
    /// nothing under `.slipway/` holds them but `secrets.env`.
    package static let secretsVariable = "SLIPWAY_LOG_SECRETS"

    /// How the runtime starts a relay: an executable that takes `subcommand`, and what `ps` calls it.
    package struct Command: Sendable, Equatable {
        package var executable: String
        package var arguments: [String]
        /// argv[0], shown by `ps`.
        package var name: String

        package init(executable: String, arguments: [String] = [OutputRelay.subcommand], name: String? = nil) {
            self.executable = executable
            self.arguments = arguments
            self.name = name ?? executable
        }

        /// This very program, as the kernel knows it: the daemon's own code, even when an upgrade
        /// has replaced the file since it started (the relay speaks the daemon's contract), named
        /// by its path for `ps`.
        package static var thisExecutable: Command {
            Command(executable: "/proc/self/exe", name: ExecutableIdentity.path() ?? "slipway")
        }
    }

    /// The relay's whole environment.
    static func environment(_ redactor: Redactor) -> [String: String] {
        guard !redactor.isEmpty, let data = try? JSONEncoder().encode(redactor.secrets) else { return [:] }
        return [secretsVariable: String(decoding: data, as: UTF8.self)]
    }

    /// The redactor `environment` describes.
    package static func redactor(from environment: [String: String]) -> Redactor {
        guard let text = environment[secretsVariable],
              let secrets = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else { return Redactor() }
        return Redactor(secrets: secrets)
    }

    /// The relay process's whole life: stdin to stdout, redacted, deaf to the signals that would
    /// end it before its input does.
    package static func run(redactor: Redactor) {
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE] { Glibc.signal(signal, SIG_IGN) }
        copy(input: 0, output: 1, redactor: redactor)
    }

    /// Copies `input` to `output`, redacted, until `input` ends.
    static func copy(input: Int32, output: Int32, redactor: Redactor) {
        var stream = RedactingStream(redactor)
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count > 0 {
                write(stream.append(buffer[..<count]), to: output)
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        write(stream.finish(), to: output)
    }

    /// Writes all of `bytes`, or drops what cannot be written.
    private static func write(_ bytes: [UInt8], to fd: Int32) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}
