import SlipwayModel

/// A service's `Backends` on one event loop: which of its instances the next request goes to.
///
/// Compiled by `LoopState.apply` from each routing change and touched only on its loop, so the
/// choice needs no lock; a change replaces it whole (its rotation starts again, which moves a
/// share by at most one request). The choice, in order:
/// 1. a request carrying the preview header goes to the preview release;
/// 2. a client whose sticky cookie names a release that takes a share goes back to it;
/// 3. else the releases' weights decide, by smooth weighted round robin (nginx's): over any run of
///    requests on a loop, each release's count is within one of its share, with no randomness a
///    test would have to average out;
/// 4. within the release, the instance with the fewest requests in flight (ties in turn), or the
///    next in turn with `round_robin`.
final class LoopBackends {
    final class Pool {
        let releaseID: String
        let upstreams: [LoopUpstream]
        let weight: Int
        /// Smooth weighted round robin's running score.
        var score = 0
        /// Where the next turn (or the search for the least loaded) starts.
        var turn = 0

        init(releaseID: String, upstreams: [LoopUpstream], weight: Int) {
            self.releaseID = releaseID
            self.upstreams = upstreams
            self.weight = weight
        }
    }

    /// Where one request goes, and the cookie to set so the client stays there.
    struct Choice {
        let upstream: LoopUpstream
        /// A `Set-Cookie` value for the response; nil when none is needed.
        let setCookie: String?
    }

    /// The releases that take production requests: a share and at least one instance.
    let production: [Pool]
    let preview: Pool?
    let previewHeader: HeaderMatch?
    let sticky: StickyConfig?
    let balance: Balance
    private let totalWeight: Int

    init(production: [Pool], preview: Pool?, previewHeader: HeaderMatch?, sticky: StickyConfig?, balance: Balance) {
        self.production = production
        self.preview = preview
        self.previewHeader = previewHeader
        self.sticky = sticky
        self.balance = balance
        self.totalWeight = production.reduce(0) { $0 + $1.weight }
    }

    /// Every instance a request may be sent to from here.
    var upstreams: [LoopUpstream] { production.flatMap(\.upstreams) + (preview?.upstreams ?? []) }

    /// nil when no release can take the request: the service has no upstream (503).
    func choose(_ head: RequestHead) -> Choice? {
        // One release, one instance, nothing to read: the plain switch's path stays as cheap as before.
        if production.count == 1, preview == nil, sticky == nil, production[0].upstreams.count == 1 {
            return Choice(upstream: production[0].upstreams[0], setCookie: nil)
        }
        if let preview, let previewHeader, head.values(of: previewHeader.name).contains(where: { $0 == previewHeader.value }) {
            return instance(in: preview).map { Choice(upstream: $0, setCookie: nil) }
        }
        if let sticky, let wanted = head.cookie(sticky.cookie),
           let pool = production.first(where: { $0.releaseID == wanted }), let upstream = instance(in: pool) {
            return Choice(upstream: upstream, setCookie: nil)
        }
        guard let pool = weightedPool(), let upstream = instance(in: pool) else { return nil }
        let setCookie = sticky.map { "\($0.cookie)=\(pool.releaseID); Path=/; HttpOnly; SameSite=Lax" }
        return Choice(upstream: upstream, setCookie: setCookie)
    }

    /// Smooth weighted round robin: every pool gains its weight, the highest score is chosen and
    /// pays the total back.
    private func weightedPool() -> Pool? {
        if production.count <= 1 { return production.first }
        var best: Pool?
        for pool in production {
            pool.score += pool.weight
            if best == nil || pool.score > best!.score { best = pool }
        }
        best?.score -= totalWeight
        return best
    }

    private func instance(in pool: Pool) -> LoopUpstream? {
        let upstreams = pool.upstreams
        guard upstreams.count > 1 else { return upstreams.first }
        let start = pool.turn % upstreams.count
        pool.turn = start + 1
        guard balance == .leastRequests else { return upstreams[start] }
        var best = upstreams[start]
        for offset in 1..<upstreams.count {
            let candidate = upstreams[(start + offset) % upstreams.count]
            if candidate.load.inFlight < best.load.inFlight { best = candidate }
        }
        return best
    }
}
