import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SlipwayConfig
import SlipwayModel

/// Talks to the daemon of a repository through `.slipway/slipway.sock` next to its `slipway.yml`
/// (the socket lives in the 0700 state directory, so only the user who runs the daemon can reach
/// it), or, when `SLIPWAY_API` is set, to its TCP API with the bearer token `SLIPWAY_TOKEN`
/// (`DaemonTransport`). Every verb works the same over either.
struct DaemonClient {
    let transport: DaemonTransport

    /// One client for the process, like `HTTPClient.shared` (never shut down), but failing fast when
    /// no daemon listens: the default would retry a refused connection until its 10 s timeout.
    private static let http = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(timeout: .init(connect: .seconds(2))))

    /// `SLIPWAY_API` when it is set (no `slipway.yml` needed: the daemon may be on another machine);
    /// else the socket next to the `slipway.yml` found (the `--config` path, else the current
    /// directory or its parents).
    init(options: GlobalOptions) throws {
        if let remote = try DaemonTransport.TCP(environment: ProcessInfo.processInfo.environment) {
            self.init(transport: .tcp(remote))
        } else {
            self.init(configFile: try Self.configFile(options))
        }
    }

    init(configFile: String) {
        let root = (configFile as NSString).deletingLastPathComponent
        self.init(transport: .unixSocket(path: root + "/.slipway/" + API.socketName, root: root))
    }

    init(transport: DaemonTransport) {
        self.transport = transport
    }

    static func configFile(_ options: GlobalOptions) throws -> String {
        if let path = options.config {
            let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
            guard FileManager.default.fileExists(atPath: absolute) else {
                throw SlipwayError(.configNotFound, "no configuration file at \(path)")
            }
            return (absolute as NSString).standardizingPath
        }
        return try ConfigLocator.find(from: FileManager.default.currentDirectoryPath)
    }

    /// How to show a config path in messages: relative to the current directory when it is inside it
    /// (`slipway.yml:12:7: …`, as git and compilers print paths), else as it is.
    static func displayPath(_ file: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        let prefix = cwd.hasSuffix("/") ? cwd : cwd + "/"
        return file.hasPrefix(prefix) ? String(file.dropFirst(prefix.count)) : file
    }

    /// `/v1/deployments?limit=20&service=web`: a listing's path, the service percent-encoded.
    static func listing(_ path: String, service: String?, environment: String? = nil, limit: Int) -> String {
        var query = "\(path)?limit=\(limit)"
        if let service { query += "&service=\(escaped(service))" }
        return query + environmentQuery(environment)
    }

    /// `&environment=NAME`, or nothing.
    static func environmentQuery(_ environment: String?) -> String {
        environment.map { "&environment=\(escaped($0))" } ?? ""
    }

    /// A value percent-encoded for a path segment or a query (a service's name).
    static func pathComponent(_ value: String) -> String { escaped(value) }

    private static func escaped(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
    }

    private func send(_ method: HTTPMethod, _ path: String, body: (any Encodable)? = nil, timeout: TimeAmount) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: try transport.url(path))
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try APICoding.encoder().encode(body)))
        }
        switch transport {
        case .unixSocket(let socketPath, let root):
            guard FileManager.default.fileExists(atPath: socketPath) else {
                throw SlipwayError(.daemonUnreachable, "no slipway daemon is running for \(root) (no socket at \(socketPath)); start one with `slipway serve`")
            }
            do {
                return try await Self.http.execute(request, timeout: timeout)
            } catch {
                throw SlipwayError(.daemonUnreachable,
                                   "no slipway daemon answers for \(root) (socket \(socketPath): \(error)); start one with `slipway serve`")
            }
        case .tcp(let remote):
            if let token = remote.token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
            do {
                return try await remote.client.execute(request, timeout: timeout)
            } catch {
                throw SlipwayError(.daemonUnreachable, remote.unreachable(error))
            }
        }
    }

    private func checked(_ response: HTTPClientResponse) async throws -> ByteBuffer {
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: 64 << 20)
        } catch let error as NIOTooManyBytesError {
            throw error
        } catch {
            throw SlipwayError(.daemonUnreachable, "lost the daemon while it answered (the connection broke: \(error)); "
                               + "is it running? (`slipway serve`)")
        }
        guard (200..<300).contains(response.status.code) else {
            if var error = try? APICoding.decoder().decode(APIError.self, from: Data(body.readableBytesView)) {
                if error.code == .unauthenticated, case .tcp(let remote) = transport, remote.token == nil {
                    error.message += " (SLIPWAY_TOKEN is not set)"
                }
                throw error
            }
            throw SlipwayError(.internalError, "the daemon answered \(response.status): \(String(buffer: body))")
        }
        return body
    }

    func get<T: Decodable>(_ type: T.Type, _ path: String) async throws -> T {
        let body = try await checked(try await send(.GET, path, timeout: .seconds(30)))
        return try APICoding.decoder().decode(type, from: Data(body.readableBytesView))
    }

    func post<T: Decodable>(_ type: T.Type, _ path: String, body: some Encodable) async throws -> T {
        let answer = try await checked(try await send(.POST, path, body: body, timeout: .seconds(120)))
        return try APICoding.decoder().decode(type, from: Data(answer.readableBytesView))
    }

    func delete(_ path: String) async throws {
        _ = try await checked(try await send(.DELETE, path, timeout: .seconds(30)))
    }

    func delete<T: Decodable>(_ type: T.Type, _ path: String) async throws -> T {
        let answer = try await checked(try await send(.DELETE, path, timeout: .seconds(30)))
        return try APICoding.decoder().decode(type, from: Data(answer.readableBytesView))
    }

    func getText(_ path: String) async throws -> String {
        String(buffer: try await checked(try await send(.GET, path, timeout: .seconds(30))))
    }

    /// Posts a deploy, rollback or run and hands each streamed event to `onEvent`; returns the last one, which
    /// is of the kind `last` (or `refused`). A stream that breaks, or ends before that event, lost its daemon:
    /// a `daemonUnreachable` error naming the deployments it announced.
    func stream(_ path: String, body: some Encodable, last final: DeploymentEvent.Kind,
                onEvent: (DeploymentEvent) -> Void) async throws -> DeploymentEvent {
        let response = try await send(.POST, path, body: body, timeout: .hours(24))
        guard response.status == .ok else { _ = try await checked(response); throw SlipwayError(.internalError, "unexpected answer") }
        let decoder = APICoding.decoder()
        var pending = Data()
        var last: DeploymentEvent?
        var lost = LostDaemon()
        var chunks = response.body.makeAsyncIterator()
        while true {
            let chunk: ByteBuffer?
            do {
                chunk = try await chunks.next()
            } catch {
                throw lost.error(cause: error)
            }
            guard let chunk else { break }
            pending.append(contentsOf: chunk.readableBytesView)
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = pending[pending.startIndex..<newline]
                pending = Data(pending[pending.index(after: newline)...])
                guard !line.isEmpty else { continue }
                let event = try decoder.decode(DeploymentEvent.self, from: Data(line))
                last = event
                lost.note(event)
                onEvent(event)
            }
        }
        guard let last, last.event == final || last.event == .refused else { throw lost.error(cause: nil) }
        return last
    }
}

extension TimeAmount {
    static func hours(_ hours: Int64) -> TimeAmount { .seconds(hours * 3600) }
}
