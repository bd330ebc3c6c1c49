import Synchronization

/// Requests in flight to one upstream across every event loop: what `least_requests` compares.
/// Each loop keeps its own count for its drains; a client's connection lives on one loop, but a
/// release's instances are shared by all of them, so the choice reads this one.
final class UpstreamLoad: Sendable {
    private let count = Atomic(0)

    var inFlight: Int { count.load(ordering: .relaxed) }

    func started() {
        count.add(1, ordering: .relaxed)
    }

    func finished() {
        count.subtract(1, ordering: .relaxed)
    }
}
