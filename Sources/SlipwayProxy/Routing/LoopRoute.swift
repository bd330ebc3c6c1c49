import NIOCore
import SlipwayModel

/// What a matched route leads to on one event loop: the service's instances as this loop sees
/// them, and whether the service is paused or in maintenance (checked per request before the
/// choice of an instance, two optionals).
struct LoopRoute {
    var backends: LoopBackends?
    /// Set while paused: how long a new request is held before it is answered 503.
    var hold: TimeAmount?
    /// Set in maintenance: the message every request is answered with (503).
    var maintenance: String?
    /// A static service's routed sites (each release the backends lead to).
    var sites: [StaticSite] = []
    /// Its retired sites, still answering their exact paths until they expire.
    var retired: [RetiredSite] = []

    /// The sites whose exact files answer a path `chosen` does not have: the other routed ones,
    /// then the retired ones not yet expired at `now` (read only on such a miss).
    func otherSites(than chosen: StaticSite, now: () -> Double) -> [StaticSite] {
        var others = sites.filter { $0 != chosen }
        guard !retired.isEmpty else { return others }
        let now = now()
        others += retired.filter { $0.until > now && $0.site != chosen }.map(\.site)
        return others
    }
}
