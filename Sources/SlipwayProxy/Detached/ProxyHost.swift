import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import SlipwayModel
import SlipwayPOSIX
import Synchronization

/// `slipway proxy run`: the data plane as its own process. It serves the route table it last
/// persisted (or received from the proxy it replaces) and changes it only when its controller says
/// so over the control socket; it does not depend on the controller being alive, so killing,
/// crashing or upgrading the controller drops no request.
package final class ProxyHost: Sendable {
    package struct Options: Sendable {
        package var files: ProxyFiles
        package var listen: SocketAddressSpec
        package var idleTimeout: Duration
        /// Take the listening sockets and routes of the proxy running now instead of binding.
        package var takeOver: Bool
        /// SIGTERM and SIGINT stop it gracefully (a process of its own; not a test).
        package var handleSignals: Bool
        /// `proxy.tls`: HTTPS beside plain HTTP.
        package var tls: ProxyTLSConfig?
        /// How often the certificate files are looked at for a change.
        package var certificateCheckInterval: Duration

        package init(files: ProxyFiles, listen: SocketAddressSpec, idleTimeout: Duration, takeOver: Bool,
                     handleSignals: Bool = true, tls: ProxyTLSConfig? = nil, certificateCheckInterval: Duration = .seconds(2)) {
            self.tls = tls
            self.certificateCheckInterval = certificateCheckInterval
            self.files = files
            self.listen = listen
            self.idleTimeout = idleTimeout
            self.takeOver = takeOver
            self.handleSignals = handleSignals
        }
    }

    enum Phase {
        case serving
        /// Sending its sockets to a successor: changes are refused until it confirms or fails.
        case handingOff
        /// A successor serves; this process drains and exits.
        case handedOff
    }

    let options: Options
    let logger: Logger
    let build = ExecutableIdentity.current()
    let startTime = ProcStat.read(pid: getpid())?.startTime ?? 0
    private let phase = Mutex(Phase.serving)
    private let group = Mutex<ServiceGroup?>(nil)
    /// Runs changes one at a time, in arrival order.
    private let changes = ChangeQueue()
    /// Writes `proxy.json` in the background, the latest table last.
    private let persister: StatePersister

    package init(options: Options, logger: Logger) {
        self.options = options
        self.logger = logger
        self.persister = StatePersister(files: options.files, logger: logger)
    }

    /// Runs until told to stop (`stop`, SIGTERM, SIGINT) or handed off, then drains and returns.
    package func run() async throws {
        var routes = options.files.readState()?.routes ?? []
        var receipt: ProxyHandOff.Receipt?
        if options.takeOver {
            let received = try await ProxyHandOff.take(files: options.files)
            routes = received.routes
            receipt = received
        }
        let tls: ProxyTLS?
        do {
            // Every certificate must load now: `slipway check` refuses what would fail here.
            tls = try options.tls.map { try ProxyTLS($0, stateDirectory: options.files.stateDirectory, logger: logger) }
        } catch {
            receipt?.abandon()
            throw error
        }
        let proxy = ReverseProxy(listen: options.listen, logger: logger, clientIdleTimeout: options.idleTimeout,
                                 inheriting: receipt?.descriptors ?? [], tls: tls, inheritingTLS: receipt?.tlsDescriptors ?? [])
        if tls == nil {
            // A predecessor with TLS, a successor configured without it: the sockets are not served.
            for fd in receipt?.tlsDescriptors ?? [] { close(fd) }
        }
        await proxy.restore(routes)
        let control: ProxyControlServer
        do {
            control = try await ProxyControlServer(path: options.files.controlSocket, group: MultiThreadedEventLoopGroup.singleton,
                                                   logger: logger) { [self] request in await self.handle(request, proxy: proxy) }
        } catch {
            receipt?.abandon()
            throw error
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: proxy), .init(service: control)]
        if let tls {
            services.append(.init(service: CertificateWatch(store: tls.store, interval: options.certificateCheckInterval)))
        }
        let serviceGroup = ServiceGroup(configuration: .init(
            services: services,
            gracefulShutdownSignals: options.handleSignals ? [.sigterm, .sigint] : [],
            logger: logger))
        group.withLock { $0 = serviceGroup }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await serviceGroup.run() }
            do {
                let address = try await proxy.localAddress()
                try await persist(proxy)
                try control.publish()
                try receipt?.confirm()
                logger.info("proxy process serving", metadata: [
                    "pid": "\(getpid())", "address": "\(address)", "routes": "\(routes.count)",
                    "tls": "\(proxy.boundTLSAddress().map { "\($0)" } ?? "off")",
                    "tookOver": "\(receipt != nil)",
                ])
            } catch {
                receipt?.abandon()
                await serviceGroup.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
            try await tasks.waitForAll()
        }
        try? await persister.flush()
        if phase.withLock({ $0 }) != .handedOff {
            control.unpublish(state: options.files)
        }
        logger.info("proxy process stopped", metadata: ["pid": "\(getpid())"])
    }

    func handle(_ request: ProxyControlRequest, proxy: ReverseProxy) async -> ProxyControlReply {
        switch request.operation {
        case .status:
            return ProxyControlReply(status: status(proxy))
        case .statistics:
            return ProxyControlReply(statistics: await proxy.statistics())
        case .upstream:
            guard let service = request.service else { return missing("service") }
            let backends = await proxy.backends(of: service)
            return ProxyControlReply(upstream: backends?.primary, backends: backends, control: await proxy.control(of: service))
        case .drain:
            guard let upstream = request.upstream else { return missing("upstream") }
            let inFlight = await proxy.drain(upstream, timeout: .milliseconds(request.timeoutMilliseconds ?? 30_000))
            return ProxyControlReply(inFlight: inFlight)
        case .stop:
            let serviceGroup = group.withLock { $0 }
            Task { await serviceGroup?.triggerGracefulShutdown() }
            return ProxyControlReply()
        case .configure, .switchTraffic, .route, .remove, .pause, .resume, .maintenance, .live:
            guard phase.withLock({ $0 }) == .serving else { return ProxyControlReply(handingOff: true) }
            return await changes.run { await self.change(request, proxy: proxy) }
        case .handOff:
            guard let path = request.path else { return missing("path") }
            return await changes.run { await self.handOff(to: path, proxy: proxy) }
        }
    }

    private func change(_ request: ProxyControlRequest, proxy: ReverseProxy) async -> ProxyControlReply {
        guard phase.withLock({ $0 }) == .serving else { return ProxyControlReply(handingOff: true) }
        guard let service = request.service else { return missing("service") }
        var reply = ProxyControlReply()
        switch request.operation {
        case .configure:
            guard let route = request.route?.route else { return missing("route") }
            await proxy.configure(service: service, route: route)
        case .switchTraffic:
            reply.upstream = await proxy.switchTraffic(service: service, to: request.upstream)
        case .route:
            reply.backends = await proxy.route(service: service, to: request.backends)
            reply.upstream = reply.backends?.primary
        case .pause, .resume, .maintenance, .live:
            guard let change = TrafficControlChange(rawValue: request.operation.rawValue) else { return missing("operation") }
            if change == .maintenance, request.message == nil { return missing("message") }
            reply.control = await proxy.changeControl(change, hold: request.holdMilliseconds.map { .milliseconds($0) },
                                                      message: request.message, of: service)
        default:
            await proxy.removeService(service)
        }
        // Written after the answer, not before: the change already holds for the next request, and
        // the file only matters to a proxy started after this one dies (whose controller, if alive,
        // sends it its routes again). Writes are in order and coalesced.
        persister.write(status(proxy))
        return reply
    }

    private func handOff(to path: String, proxy: ReverseProxy) async -> ProxyControlReply {
        guard phase.withLock({ current in
            guard current == .serving else { return false }
            current = .handingOff
            return true
        }) else { return ProxyControlReply(error: "this proxy is already handing off") }
        // The successor accepts on these sockets as soon as it has them; this process stops first
        // (connections wait in the listen queue meanwhile), so no two processes accept at once.
        await proxy.pauseAccepting()
        do {
            try await ProxyHandOff.give(descriptors: proxy.listeningDescriptors(), tlsDescriptors: proxy.tlsListeningDescriptors(),
                                        routes: proxy.routeSnapshot(), to: path)
        } catch {
            do {
                try await proxy.resumeAccepting()
            } catch {
                logger.critical("cannot accept again after a failed hand-off", metadata: ["error": "\(error)"])
            }
            phase.withLock { $0 = .serving }
            logger.error("hand-off failed; serving on", metadata: ["error": "\(error)"])
            return ProxyControlReply(error: "\(error)")
        }
        phase.withLock { $0 = .handedOff }
        logger.info("handed off to a new proxy process; draining")
        proxy.handOffShutdown()
        let serviceGroup = group.withLock { $0 }
        Task { await serviceGroup?.triggerGracefulShutdown() }
        return ProxyControlReply()
    }

    private func persist(_ proxy: ReverseProxy) async throws {
        persister.write(status(proxy))
        try await persister.flush()
    }

    private func status(_ proxy: ReverseProxy) -> ProxyStatus {
        ProxyStatus(pid: getpid(), startTime: startTime, build: build, listen: boundAddress(proxy),
                    idleTimeoutMilliseconds: options.idleTimeout.milliseconds, routes: proxy.routeSnapshot(),
                    tls: options.tls, tlsListen: proxy.boundTLSAddress()?.description)
    }

    private func boundAddress(_ proxy: ReverseProxy) -> String {
        proxy.boundAddress()?.description ?? options.listen.description
    }

    private func missing(_ field: String) -> ProxyControlReply {
        ProxyControlReply(error: "the request has no \(field)")
    }
}

/// Writes the proxy's state file off the request path: the newest status wins, one write at a
/// time, none lost at the end (`flush`).
private final class StatePersister: Sendable {
    private struct State {
        var pending: ProxyStatus?
        var writing = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var lastError: String?
    }

    private let files: ProxyFiles
    private let logger: Logger
    private let state = Mutex(State())

    init(files: ProxyFiles, logger: Logger) {
        self.files = files
        self.logger = logger
    }

    func write(_ status: ProxyStatus) {
        let start = state.withLock { state -> Bool in
            state.pending = status
            guard !state.writing else { return false }
            state.writing = true
            return true
        }
        if start { DispatchQueue.global().async { self.drain() } }
    }

    /// Returns once everything written so far is on disk; throws the last write's error, if any.
    func flush() async throws {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state -> Bool in
                guard state.writing else { return true }
                state.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
        if let error = state.withLock({ $0.lastError }) {
            throw SlipwayError(.internalError, "cannot persist the route table: \(error)")
        }
    }

    /// Runs on a Dispatch thread (blocking file I/O) until nothing is pending; then wakes the
    /// flushes that waited (what they waited for is written).
    private func drain() {
        while true {
            let (next, waiters) = state.withLock { state -> (ProxyStatus?, [CheckedContinuation<Void, Never>]) in
                if let pending = state.pending {
                    state.pending = nil
                    return (pending, [])
                }
                state.writing = false
                defer { state.waiters = [] }
                return (nil, state.waiters)
            }
            guard let next else {
                for waiter in waiters { waiter.resume() }
                return
            }
            do {
                try files.writeState(next)
                state.withLock { $0.lastError = nil }
            } catch {
                // Traffic already follows the change; only a restart of this process would lose it.
                logger.error("cannot persist the route table", metadata: ["error": "\(error)"])
                state.withLock { $0.lastError = "\(error)" }
            }
        }
    }
}

/// Runs one change at a time, in arrival order.
private actor ChangeQueue {
    private var tail: Task<Void, Never>?

    func run<T: Sendable>(_ work: @escaping @Sendable () async -> T) async -> T {
        let previous = tail
        let task = Task { () -> T in
            await previous?.value
            return await work()
        }
        tail = Task { _ = await task.value }
        return await task.value
    }
}
