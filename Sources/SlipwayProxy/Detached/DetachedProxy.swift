import Logging
import SlipwayCore
import SlipwayModel
import Synchronization

/// The controller's `TrafficRouter` when the proxy is its own process: every call is a request on
/// the control socket. A proxy that is gone is started again (with the route table it persisted)
/// and the request sent again, so a crash of the proxy costs its own connections, not a change.
package final class DetachedProxy: TrafficRouter, Sendable {
    package let process: ProxyProcess
    let client: ProxyControlClient
    let logger: Logger
    /// Told when a request found the proxy gone and it was started again.
    let restarted: @Sendable (ProxyStatus) async -> Void
    /// What this daemon last told the proxy, per service. A proxy started anew serves the table it
    /// persisted, which is written after each answer; whatever it missed is sent to it again.
    private let told = Mutex<[ServiceKey: ProxyRoute]>([:])

    package init(process: ProxyProcess, logger: Logger, restarted: @escaping @Sendable (ProxyStatus) async -> Void = { _ in }) {
        self.process = process
        self.client = ProxyControlClient(files: process.files)
        self.logger = logger
        self.restarted = restarted
    }

    package func configure(service: ServiceKey, route: RouteConfig) async {
        guard await send(ProxyControlRequest(.configure, service: service, route: ProxyRoute(service: service, route: route, backends: nil))) != nil
        else { return }
        told.withLock { told in
            told[service, default: ProxyRoute(service: service, route: nil, backends: nil)].setRoute(route)
        }
    }

    @discardableResult
    package func switchTraffic(service: ServiceKey, to upstream: Upstream?) async -> Upstream? {
        await route(service: service, to: upstream.map(Backends.single))?.primary
    }

    @discardableResult
    package func route(service: ServiceKey, to backends: Backends?) async -> Backends? {
        guard let reply = await send(ProxyControlRequest(.route, service: service, backends: backends)) else { return nil }
        told.withLock { told in
            told[service, default: ProxyRoute(service: service, route: nil, backends: nil)].backends = backends
        }
        return reply.backends
    }

    package func backends(of service: ServiceKey) async -> Backends? {
        await send(ProxyControlRequest(.upstream, service: service))?.backends
    }

    package func releaseStatistics(of service: ServiceKey) async -> [String: WindowStats] {
        await statistics().windowStats(of: service)
    }

    package func drain(_ upstream: Upstream, timeout: Duration) async -> Int {
        let reply = await send(ProxyControlRequest(.drain, upstream: upstream, timeoutMilliseconds: Int(timeout.milliseconds)),
                               timeout: timeout + .seconds(10))
        return reply?.inFlight ?? 0
    }

    /// What the proxy process has counted per upstream; empty when it cannot be asked.
    package func statistics() async -> [UpstreamStatistics] {
        (try? await client.send(ProxyControlRequest(.statistics), timeout: .seconds(5), handOffPatience: .seconds(2)))?.statistics ?? []
    }

    package func changeControl(_ change: TrafficControlChange, hold: Duration?, message: String?, of service: ServiceKey) async throws
        -> TrafficControl {
        let operation: ProxyControlRequest.Operation = switch change {
        case .pause: .pause
        case .resume: .resume
        case .maintenance: .maintenance
        case .live: .live
        }
        let request = ProxyControlRequest(operation, service: service, holdMilliseconds: hold?.milliseconds, message: message)
        guard let control = await send(request)?.control else {
            throw SlipwayError(.internalError, "the proxy process did not take \(change.rawValue) of \(service)",
                               context: ErrorContext(service: service.service))
        }
        told.withLock { told in
            let current = told[service, default: ProxyRoute(service: service, route: nil, backends: nil)]
            told[service] = ProxyRoute(service: service, route: current.route, backends: current.backends, control: control)
        }
        return control
    }

    package func control(of service: ServiceKey) async -> TrafficControl {
        await send(ProxyControlRequest(.upstream, service: service))?.control ?? TrafficControl()
    }

    /// One `status` request for all of them (its route table), not two requests per service.
    package func readings(of services: [ServiceKey]) async -> [ServiceKey: RouteReading] {
        guard let routes = await send(ProxyControlRequest(.status))?.status?.routes else { return [:] }
        let wanted = Set(services)
        var readings: [ServiceKey: RouteReading] = [:]
        for route in routes where wanted.contains(route.service) {
            readings[route.service] = RouteReading(backends: route.backends, control: route.control ?? TrafficControl())
        }
        return readings
    }

    package func upstream(of service: ServiceKey) async -> Upstream? {
        await send(ProxyControlRequest(.upstream, service: service))?.upstream
    }

    /// Watches the proxy process until cancelled, starting it again when it is gone, and asking it
    /// for its status every `pingEvery`: one that is alive but has not answered twice in a row is
    /// hung (its connections are stuck too), so it is killed and started again.
    package func supervise(every interval: Duration = .milliseconds(250), pingEvery: Duration = .seconds(5)) async {
        var sincePing = Duration.zero
        var unanswered = 0
        while !Task.isCancelled {
            if let status = await process.restartIfGone() { await started(status) }
            sincePing += interval
            if sincePing >= pingEvery {
                sincePing = .zero
                do {
                    _ = try await client.send(ProxyControlRequest(.status), timeout: pingEvery, handOffPatience: .zero)
                    unanswered = 0
                } catch {
                    unanswered += 1
                    if unanswered >= 2, await process.killIfHung() {
                        logger.error("the proxy process stopped answering; killed it", metadata: ["error": "\(error)"])
                        unanswered = 0
                        continue
                    }
                }
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// A proxy was started anew: sends it what it missed, then says so.
    private func started(_ status: ProxyStatus) async {
        let missed = told.withLock { $0 }.values.filter { !status.routes.contains($0) }.sorted { $0.service < $1.service }
        for route in missed {
            do {
                if route.path != nil {
                    _ = try await client.send(ProxyControlRequest(.configure, service: route.service, route: route))
                }
                _ = try await client.send(ProxyControlRequest(.route, service: route.service, backends: route.backends))
                let control = route.control ?? TrafficControl()
                _ = try await client.send(ProxyControlRequest(control.isPaused ? .pause : .resume, service: route.service,
                                                              holdMilliseconds: control.pausedHoldMilliseconds))
                if let message = control.maintenance {
                    _ = try await client.send(ProxyControlRequest(.maintenance, service: route.service, message: message))
                } else {
                    _ = try await client.send(ProxyControlRequest(.live, service: route.service))
                }
            } catch {
                logger.error("cannot send the proxy process a route it missed", metadata: [
                    "service": "\(route.service)", "error": "\(error)",
                ])
            }
        }
        await restarted(status)
    }

    /// Sends `request`; when the proxy cannot be reached, makes sure one runs and tries again, for
    /// up to about ten seconds. nil (logged) when it never answered.
    private func send(_ request: ProxyControlRequest, timeout: Duration = .seconds(10)) async -> ProxyControlReply? {
        var lastError: (any Error)?
        for attempt in 0..<20 {
            do {
                return try await client.send(request, timeout: timeout)
            } catch {
                lastError = error
                if attempt > 0 { try? await Task.sleep(for: .milliseconds(500)) }
                if let status = await process.restartIfGone() { await started(status) }
            }
        }
        logger.error("the proxy process did not take a change", metadata: [
            "operation": "\(request.operation.rawValue)", "error": "\(lastError.map { "\($0)" } ?? "?")",
        ])
        return nil
    }
}
