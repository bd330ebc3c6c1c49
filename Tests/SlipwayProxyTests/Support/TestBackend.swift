import NIOCore
import NIOHTTP1
import NIOPosix
import SlipwayModel
import Synchronization

/// A real HTTP server on 127.0.0.1 for the proxy to forward to. It answers with its own name
/// (`x-backend` header and body) and, by path:
///
/// - `/repeat/N`: its name N times (a response that must come wholly from one backend)
/// - `/delay/MS`: answers after MS milliseconds
/// - `/hold`: answers when the test calls `releaseHeld()`
/// - `/upload`: counts the request body's bytes, answers `received N`
/// - `/download/N`: streams N bytes, respecting backpressure
/// - `/headers`: the request headers it received, one `name: value` per line
/// - `/drop`: closes the connection without answering
/// - a path set with `setResponse`: that status and body
final class TestBackend: Sendable {
    let name: String
    let port: Int
    private let server: Channel
    private let state: Mutex<State>

    struct State {
        var connectionsAccepted = 0
        var openConnections: [ObjectIdentifier: NIOLoopBound<BackendHandler>] = [:]
        var requestsReceived = 0
        var responsesCompleted = 0
        var uploadedBytes = 0
        var held: [NIOLoopBound<() -> Void>] = []
        var responses: [String: (status: Int, body: String)] = [:]
        var dropNextReusedRequest = false
        /// Connections idle this long after a response are closed without notice, like a server's keep-alive timeout.
        var idleTimeout: TimeAmount?
        var stopping = false
        var waiters: [(condition: @Sendable (State) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []
    }

    var upstream: Upstream { Upstream(host: "127.0.0.1", port: port, releaseID: name) }

    private init(name: String, server: Channel) {
        self.name = name
        self.server = server
        self.port = server.localAddress!.port!
        self.state = Mutex(State())
    }

    static func start(name: String) async throws -> TestBackend {
        let box = StateBox()
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    let handler = BackendHandler(box: box)
                    try channel.pipeline.syncOperations.addHandler(handler)
                    box.backend?.connectionOpened(channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let backend = TestBackend(name: name, server: server)
        box.set(backend)
        return backend
    }

    // MARK: What the test reads

    var connectionsAccepted: Int { state.withLock { $0.connectionsAccepted } }
    var openConnections: Int { state.withLock { $0.openConnections.count } }
    var requestsReceived: Int { state.withLock { $0.requestsReceived } }
    var responsesCompleted: Int { state.withLock { $0.responsesCompleted } }
    var uploadedBytes: Int { state.withLock { $0.uploadedBytes } }

    /// Returns once `condition` holds for the backend's state.
    func wait(until condition: @escaping @Sendable (State) -> Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if condition(state) { return true }
                state.waiters.append((condition, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    func waitForRequests(_ count: Int) async {
        await wait { $0.requestsReceived >= count }
    }

    // MARK: What the test controls

    func setResponse(path: String, status: Int, body: String) {
        state.withLock { $0.responses[path] = (status, body) }
    }

    /// Answers every `/hold` request received so far.
    func releaseHeld() {
        let held = state.withLock { state in
            defer { state.held.removeAll() }
            return state.held
        }
        for answer in held { answer.eventLoop.execute { answer.value() } }
    }

    /// The next request that arrives on a connection that already served one is met with a close:
    /// what a server's keep-alive timeout does to a request racing it.
    func dropNextRequestOnReusedConnection() {
        state.withLock { $0.dropNextReusedRequest = true }
    }

    /// Closes connections idle for `timeout` from now on, as servers with a keep-alive timeout do.
    func closeConnections(idleFor timeout: TimeAmount) {
        state.withLock { $0.idleTimeout = timeout }
    }

    /// Closes every connection that is not in the middle of a request.
    func closeIdleConnections() {
        let handlers = state.withLock { Array($0.openConnections.values) }
        for handler in handlers { handler.eventLoop.execute { handler.value.closeIfIdle() } }
    }

    /// Stops like a well-behaved server: no new connections, idle ones closed, busy ones closed
    /// after their response (which says `connection: close`). Returns once all are closed.
    func stop() async {
        try? await server.close()
        let handlers = state.withLock { state in
            state.stopping = true
            return Array(state.openConnections.values)
        }
        for handler in handlers { handler.eventLoop.execute { handler.value.closeIfIdle() } }
        await wait { $0.openConnections.isEmpty }
    }

    // MARK: Called by connections

    func update<T>(_ body: (inout State) -> T) -> T {
        let (result, ready) = state.withLock { state -> (T, [CheckedContinuation<Void, Never>]) in
            let result = body(&state)
            var ready: [CheckedContinuation<Void, Never>] = []
            let waiters = state.waiters
            state.waiters.removeAll()
            for waiter in waiters {
                if waiter.condition(state) {
                    ready.append(waiter.continuation)
                } else {
                    state.waiters.append(waiter)
                }
            }
            return (result, ready)
        }
        for continuation in ready { continuation.resume() }
        return result
    }

    private func connectionOpened(_ channel: Channel, handler: NIOLoopBound<BackendHandler>) {
        let id = ObjectIdentifier(channel)
        update { state in
            state.connectionsAccepted += 1
            state.openConnections[id] = handler
        }
        channel.closeFuture.whenComplete { _ in
            self.update { state in state.openConnections[id] = nil }
        }
    }
}

/// Lets connections reach their backend, which exists only once the listener is bound.
final class StateBox: Sendable {
    private let value = Mutex<TestBackend?>(nil)
    var backend: TestBackend? { value.withLock { $0 } }
    func set(_ backend: TestBackend) { value.withLock { $0 = backend } }
}
