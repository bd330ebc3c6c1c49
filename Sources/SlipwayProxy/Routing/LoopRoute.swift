import NIOCore

/// What a matched route leads to on one event loop: the service's instances as this loop sees
/// them, and whether the service is paused or in maintenance (checked per request before the
/// choice of an instance, two optionals).
struct LoopRoute {
    var backends: LoopBackends?
    /// Set while paused: how long a new request is held before it is answered 503.
    var hold: TimeAmount?
    /// Set in maintenance: the message every request is answered with (503).
    var maintenance: String?
}
