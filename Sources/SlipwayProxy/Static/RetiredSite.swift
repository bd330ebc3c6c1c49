import SlipwayModel

/// A release of a static site no longer routed whose files still answer their exact paths until
/// `until` (`retain_assets` after the switch that replaced it): a page loaded from the old release
/// just before a switch still gets its hashed assets, which the new release no longer has.
///
/// Wall-clock seconds, not a monotonic deadline: the retention must outlive the proxy process, so it
/// is persisted in `proxy.json` and handed to a successor with the rest of the route table.
package struct RetiredSite: Sendable, Equatable, Codable {
    package var site: StaticSite
    /// Seconds since 1970.
    package var until: Double

    package init(site: StaticSite, until: Double) {
        self.site = site
        self.until = until
    }

    /// The sites a service keeps after its backends change from `previous` to `next` at `now`:
    /// those it kept that have not expired and are not routed again, and each site `previous`
    /// routed and `next` does not (with a retention above zero).
    static func retained(_ kept: [RetiredSite], previous: Backends?, next: Backends?, now: Double) -> [RetiredSite] {
        let routed = Set((next?.upstreams ?? []).compactMap(\.site))
        var result = kept.filter { $0.until > now && !routed.contains($0.site) }
        for site in Set((previous?.upstreams ?? []).compactMap(\.site)) where !routed.contains(site) && site.retainAssetsSeconds > 0 {
            result.removeAll { $0.site == site }
            result.append(RetiredSite(site: site, until: now + Double(site.retainAssetsSeconds)))
        }
        return result.sorted { $0.until > $1.until }
    }
}
