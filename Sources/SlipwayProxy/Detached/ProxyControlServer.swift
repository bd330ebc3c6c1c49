import Foundation
import Logging
import NIOCore
import NIOExtras
import NIOPosix
import ServiceLifecycle
import SlipwayModel

/// The proxy process's control socket: one JSON request per line, one JSON reply per line, any
/// number per connection. It binds a private path and moves it onto the well-known one only when
/// `publish` is called, so a controller never reaches a proxy that is not yet serving (and, during
/// a hand-off, reaches the predecessor until the successor is ready).
final class ProxyControlServer: Service, Sendable {
    private let path: String
    private let group: EventLoopGroup
    private let logger: Logger
    private let handle: @Sendable (ProxyControlRequest) async -> ProxyControlReply
    private let server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
    private let temporaryPath: String

    /// Binds at once (at a private path next to `path`).
    init(path: String, group: EventLoopGroup, logger: Logger,
         handle: @escaping @Sendable (ProxyControlRequest) async -> ProxyControlReply) async throws {
        self.path = path
        self.group = group
        self.logger = logger
        self.handle = handle
        temporaryPath = path + ".\(getpid())"
        server = try await ServerBootstrap(group: group)
            .bind(unixDomainSocketPath: temporaryPath, cleanupExistingSocketFile: true) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineBasedFrameDecoder()))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        chmod(temporaryPath, 0o600)
    }

    /// Makes the socket reachable at its well-known path, replacing whatever was there.
    func publish() throws {
        guard rename(temporaryPath, path) == 0 else {
            throw SlipwayError(.internalError, "cannot move the control socket to \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Removes the well-known path if it is still this server's (a successor may have replaced it).
    func unpublish(ifOwnedBy pid: Int32 = getpid(), state: ProxyFiles) {
        if state.readState()?.pid == pid { unlink(path) }
        unlink(temporaryPath)
    }

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { connections in
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        connections.addTask { await self.serve(connection) }
                    }
                }
            }
        } onGracefulShutdown: {
            self.server.channel.close(promise: nil)
        }
    }

    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                for try await line in inbound {
                    let reply: ProxyControlReply
                    do {
                        reply = await handle(try JSONDecoder().decode(ProxyControlRequest.self, from: Data(line.readableBytesView)))
                    } catch {
                        reply = ProxyControlReply(error: "not a control request: \(error)")
                    }
                    var bytes = try JSONEncoder().encode(reply)
                    bytes.append(UInt8(ascii: "\n"))
                    try await outbound.write(ByteBuffer(bytes: bytes))
                }
            }
        } catch {
            logger.debug("control connection ended", metadata: ["error": "\(error)"])
        }
    }
}
