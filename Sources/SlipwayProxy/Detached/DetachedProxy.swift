import Logging
import SlipwayCore
import SlipwayModel

/// The controller's `TrafficRouter` when the proxy is its own process: every call is a request on
/// the control socket. A proxy that is gone is started again (with the route table it persisted)
/// and the request sent again, so a crash of the proxy costs its own connections, not a change.
package final class DetachedProxy: TrafficRouter, Sendable {
    package let process: ProxyProcess
    let client: ProxyControlClient
    let logger: Logger
    /// Told when a request found the proxy gone and it was started again.
    let restarted: @Sendable (ProxyStatus) async -> Void

    package init(process: ProxyProcess, logger: Logger, restarted: @escaping @Sendable (ProxyStatus) async -> Void = { _ in }) {
        self.process = process
        self.client = ProxyControlClient(files: process.files)
        self.logger = logger
        self.restarted = restarted
    }

    package func configure(service: ServiceKey, route: RouteConfig) async {
        _ = await send(ProxyControlRequest(.configure, service: service, route: ProxyRoute(service: service, route: route, upstream: nil)))
    }

    @discardableResult
    package func switchTraffic(service: ServiceKey, to upstream: Upstream?) async -> Upstream? {
        await send(ProxyControlRequest(.switchTraffic, service: service, upstream: upstream))?.upstream
    }

    package func drain(_ upstream: Upstream, timeout: Duration) async -> Int {
        let reply = await send(ProxyControlRequest(.drain, upstream: upstream, timeoutMilliseconds: Int(timeout.milliseconds)),
                               timeout: timeout + .seconds(10))
        return reply?.inFlight ?? 0
    }

    package func upstream(of service: ServiceKey) async -> Upstream? {
        await send(ProxyControlRequest(.upstream, service: service))?.upstream
    }

    /// Watches the proxy process until cancelled, starting it again when it is gone.
    package func supervise(every interval: Duration = .milliseconds(250)) async {
        while !Task.isCancelled {
            if let status = await process.restartIfGone() { await restarted(status) }
            try? await Task.sleep(for: interval)
        }
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
                if let status = await process.restartIfGone() { await restarted(status) }
            }
        }
        logger.error("the proxy process did not take a change", metadata: [
            "operation": "\(request.operation.rawValue)", "error": "\(lastError.map { "\($0)" } ?? "?")",
        ])
        return nil
    }
}
