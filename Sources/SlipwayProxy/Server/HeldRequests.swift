import NIOCore
import SlipwayModel

/// The requests of paused services waiting on one event loop (`slipway proxy pause`), in arrival
/// order per service. Touched only on its loop, like `ClientConnections`: no lock. One timer for the
/// loop, at the earliest deadline: a held request past its hold is answered 503 by its handler
/// (`holdExpired`); a resume (`LoopState.apply`) starts the rest (`releaseHeld`); a client that
/// leaves takes its request out (`remove`).
final class HeldRequests {
    private let eventLoop: EventLoop
    private var waiting: [ServiceKey: [ProxyRequestHandler]] = [:]
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?
    private(set) var count = 0

    init(eventLoop: EventLoop) {
        self.eventLoop = eventLoop
    }

    func hold(_ handler: ProxyRequestHandler, for service: ServiceKey, until deadline: NIODeadline) {
        waiting[service, default: []].append(handler)
        count += 1
        schedule(at: deadline)
    }

    func remove(_ handler: ProxyRequestHandler, for service: ServiceKey) {
        guard var handlers = waiting[service], let index = handlers.firstIndex(where: { $0 === handler }) else { return }
        handlers.remove(at: index)
        waiting[service] = handlers.isEmpty ? nil : handlers
        count -= 1
    }

    /// Takes out, in arrival order per service, the requests of the services `isReleased` names.
    func release(_ isReleased: (ServiceKey) -> Bool) -> [ProxyRequestHandler] {
        var released: [ProxyRequestHandler] = []
        for service in waiting.keys.sorted() where isReleased(service) {
            released += waiting.removeValue(forKey: service) ?? []
        }
        count -= released.count
        return released
    }

    private func schedule(at deadline: NIODeadline) {
        if let timerDeadline, timerDeadline <= deadline { return }
        timer?.cancel()
        timerDeadline = deadline
        timer = eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { self.expire() }
    }

    private func expire() {
        timer = nil
        timerDeadline = nil
        let now = NIODeadline.now()
        var expired: [ProxyRequestHandler] = []
        var next: NIODeadline?
        for (service, handlers) in waiting {
            var staying: [ProxyRequestHandler] = []
            for handler in handlers {
                let deadline = handler.holdDeadline ?? now
                if deadline <= now {
                    expired.append(handler)
                } else {
                    staying.append(handler)
                    next = min(next ?? deadline, deadline)
                }
            }
            waiting[service] = staying.isEmpty ? nil : staying
        }
        count -= expired.count
        if let next { schedule(at: next) }
        for handler in expired { handler.holdExpired() }
    }
}
