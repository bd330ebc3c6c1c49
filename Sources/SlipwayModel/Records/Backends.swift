/// Where the proxy sends a service's requests: the releases that take them, each with its
/// instances and its share. One release with one instance is a plain switch; a canary is two
/// releases with weights; blue-green's new release is a `preview` one; replicas are a release's
/// several upstreams.
package struct Backends: Sendable, Equatable, Hashable, Codable {
    /// In the order the controller gave them; a release appears once.
    package var releases: [ReleaseBackends]
    /// Which instance of a release a request goes to.
    package var balance: Balance
    /// Keeps a client on the release it was first sent to, while that release takes traffic.
    package var sticky: StickyConfig?
    /// Which requests reach the `preview` release: its host (a route of its own) and/or a header
    /// on the service's route.
    package var preview: PreviewRoute?

    package init(releases: [ReleaseBackends], balance: Balance = .leastRequests, sticky: StickyConfig? = nil,
                 preview: PreviewRoute? = nil) {
        self.releases = releases
        self.balance = balance
        self.sticky = sticky
        self.preview = preview
    }

    /// Every request to one instance: what `switchTraffic` sets.
    package static func single(_ upstream: Upstream) -> Backends {
        Backends(releases: [ReleaseBackends(releaseID: upstream.releaseID, upstreams: [upstream], weight: 100)])
    }

    /// Every request to one release's instances (its replicas), balanced among them; nil for none.
    package static func release(_ upstreams: [Upstream], balance: Balance = .leastRequests, sticky: StickyConfig? = nil) -> Backends? {
        guard let first = upstreams.first else { return nil }
        if upstreams.count == 1 { return Backends(releases: [ReleaseBackends(releaseID: first.releaseID, upstreams: upstreams, weight: 100)],
                                                  balance: balance) }
        return Backends(releases: [ReleaseBackends(releaseID: first.releaseID, upstreams: upstreams, weight: 100)],
                        balance: balance, sticky: sticky)
    }

    /// The first instance of the release that takes the largest share (the first of equals):
    /// the upstream a service "routes to" where one is asked for.
    package var primary: Upstream? {
        var best: ReleaseBackends?
        for release in releases where !release.preview && release.weight > 0 && !release.upstreams.isEmpty {
            if best == nil || release.weight > best!.weight { best = release }
        }
        return best?.upstreams.first
    }

    /// Every instance of every release, production and preview.
    package var upstreams: [Upstream] { releases.flatMap(\.upstreams) }

    /// The release's entry, if it is one of these.
    package func release(_ id: String) -> ReleaseBackends? {
        releases.first { $0.releaseID == id }
    }

    /// Whether any request can reach an instance: a production release with a share and an
    /// instance, or a preview release with an instance.
    package var isEmpty: Bool {
        !releases.contains { !$0.upstreams.isEmpty && ($0.preview || $0.weight > 0) }
    }

    /// One line for logs and `status`: `r1 (2 instances) 95%, r2 (2 instances) 5%, r3 preview`.
    package var summary: String {
        let total = releases.filter { !$0.preview }.reduce(0) { $0 + $1.weight }
        return releases.map { release in
            let instances = release.upstreams.count == 1 ? "" : " (\(release.upstreams.count) instances)"
            if release.preview { return "\(release.releaseID)\(instances) preview" }
            let percent = total > 0 ? Int((Double(release.weight) * 100 / Double(total)).rounded()) : 0
            return "\(release.releaseID)\(instances) \(percent)%"
        }.joined(separator: ", ")
    }
}

/// One release's part of a service's `Backends`.
package struct ReleaseBackends: Sendable, Equatable, Hashable, Codable {
    package var releaseID: String
    /// Its healthy instances, which share its requests as `Backends.balance` says.
    package var upstreams: [Upstream]
    /// Its share of the service's production requests, relative to the other releases' weights;
    /// 0: none (a canary aborted, a release being drained).
    package var weight: Int
    /// Reached only by requests matching the preview route; its weight is not used.
    package var preview: Bool

    package init(releaseID: String, upstreams: [Upstream], weight: Int, preview: Bool = false) {
        self.releaseID = releaseID
        self.upstreams = upstreams
        self.weight = weight
        self.preview = preview
    }
}
