import NIOCore
import SlipwayModel

/// A request of a paused service, waiting for `resume` or for its hold to pass.
struct HeldRequest {
    var head: RequestHead
    var client: ClientRequest
    var service: ServiceKey
    /// When it first arrived: a hold it meets again after a release runs from here.
    var since: NIODeadline
    var hold: TimeAmount
    var deadline: NIODeadline { since + hold }
}

// `slipway proxy pause`: a request of a paused service is neither refused nor forwarded. It waits
// in its loop's `HeldRequests`, its client unread (as while an upstream connection is being made:
// `mayRead`), until a resume starts it as if it had just arrived, or its hold passes (503 with
// `Retry-After`, kamal-proxy's answer to a pause that outlasts its timeout). The idle sweep
// (`closeIfStalled`) leaves it alone: no request is idle, and the client is not awaited; the hold
// is its only clock, shorter or longer than the idle timeout.
extension ProxyRequestHandler {
    var holdDeadline: NIODeadline? {
        if case .held(let held) = state { return held.deadline }
        return nil
    }

    func hold(_ head: RequestHead, _ client: ClientRequest, service: ServiceKey, since: NIODeadline, for hold: TimeAmount) {
        let held = HeldRequest(head: head, client: client, service: service, since: since, hold: hold)
        state = .held(held)
        loop.held.hold(self, for: service, until: held.deadline)
    }

    /// The pause ended (or the service is now in maintenance, or gone): route the request again in
    /// the current table, then hand it what was read of it meanwhile.
    func releaseHeld() {
        guard case .held(let held) = state else { return }
        state = .idle
        start(held.head, heldSince: held.since)
        deliverQueued()
        releasePendingRead()
    }

    /// The hold passed: 503. What was read of the request is dropped; the rest of its body, if
    /// any, is read and discarded as for any local answer.
    func holdExpired() {
        guard case .held(let held) = state else { return }
        var requestEnded = false
        while !requestEnded, let part = queued.first {
            if case .head = part { break }
            _ = queued.popFirst()
            if case .end = part { requestEnded = true }
        }
        state = .idle
        logger.debug("a held request waited past its hold", metadata: ["service": "\(held.service)"])
        respondLocally(.paused(service: held.service, hold: held.hold), to: held.client, requestEnded: requestEnded)
    }
}
