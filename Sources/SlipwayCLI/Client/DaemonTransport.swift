import AsyncHTTPClient
import Foundation
import NIOSSL
import SlipwayModel
import Synchronization

/// How the CLI reaches the daemon: its unix socket (the caller is the OS user, as the kernel says),
/// or its TCP API (`SLIPWAY_API`), where the caller is the bearer token `SLIPWAY_TOKEN` names.
enum DaemonTransport {
    case unixSocket(path: String, root: String)
    case tcp(TCP)

    /// `SLIPWAY_API=http://HOST:PORT` or `https://HOST:PORT`; `SLIPWAY_CA_FILE` a PEM of the CA(s) to
    /// trust instead of the system's (a private CA).
    struct TCP {
        let base: String
        let token: String?
        let client: HTTPClient

        /// Nil when `SLIPWAY_API` is not set (or empty).
        init?(environment: [String: String]) throws {
            guard let written = environment["SLIPWAY_API"], !written.isEmpty else { return nil }
            let text = written.hasSuffix("/") ? String(written.dropLast()) : written
            guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme),
                  url.host != nil, url.path.isEmpty, url.query == nil else {
                throw SlipwayError(.configInvalid, "SLIPWAY_API must be http://HOST:PORT or https://HOST:PORT, not \(written)")
            }
            base = text
            token = environment["SLIPWAY_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            let caFile = environment["SLIPWAY_CA_FILE"].flatMap { $0.isEmpty ? nil : $0 }
            if let caFile {
                guard scheme == "https" else {
                    throw SlipwayError(.configInvalid, "SLIPWAY_CA_FILE is set but SLIPWAY_API (\(written)) is not https://")
                }
                guard FileManager.default.isReadableFile(atPath: caFile) else {
                    throw SlipwayError(.configInvalid, "SLIPWAY_CA_FILE: cannot read \(caFile)")
                }
            }
            client = Self.client(caFile: caFile)
        }

        /// One client per CA file for the process, kept and never shut down (as `DaemonClient.http`:
        /// an `HTTPClient` must not be released unless shut down), trusting `caFile` when given.
        private static let clients = Mutex<[String: HTTPClient]>([:])

        private static func client(caFile: String?) -> HTTPClient {
            clients.withLock { clients in
                if let client = clients[caFile ?? ""] { return client }
                var tls = TLSConfiguration.makeClientConfiguration()
                if let caFile { tls.trustRoots = .file(caFile) }
                let client = HTTPClient(eventLoopGroupProvider: .singleton,
                                        configuration: HTTPClient.Configuration(tlsConfiguration: tls, timeout: .init(connect: .seconds(5))))
                clients[caFile ?? ""] = client
                return client
            }
        }

        func unreachable(_ error: any Error) -> String {
            var message = "cannot reach the slipway API at \(base): \(error)"
            if base.hasPrefix("http://") {
                message += " (if that port serves TLS, use https:// in SLIPWAY_API)"
            } else if "\(error)".localizedCaseInsensitiveContains("certificate") || error is NIOSSLError {
                message += " (a certificate of a private CA needs SLIPWAY_CA_FILE naming that CA's PEM)"
            }
            return message
        }
    }

    func url(_ path: String) throws -> String {
        switch self {
        case .unixSocket(let socketPath, _):
            guard let url = URL(httpURLWithSocketPath: socketPath, uri: path) else {
                throw SlipwayError(.daemonUnreachable, "cannot address the socket \(socketPath)")
            }
            return url.absoluteString
        case .tcp(let remote):
            return remote.base + path
        }
    }
}
