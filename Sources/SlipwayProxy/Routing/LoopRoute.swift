import NIOCore

/// What a matched route leads to on one event loop: the upstream's per-loop state, and whether the
/// service is paused or in maintenance (checked per request before the upstream, two optionals).
struct LoopRoute {
    var upstream: LoopUpstream?
    /// Set while paused: how long a new request is held before it is answered 503.
    var hold: TimeAmount?
    /// Set in maintenance: the message every request is answered with (503).
    var maintenance: String?
}
