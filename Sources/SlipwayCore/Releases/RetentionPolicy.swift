import SlipwayModel

/// Which releases to delete so that `retain` are kept: the newest ones, and never the active release
/// or the one it replaced (the instant rollback target), whatever their age.
package struct RetentionPolicy: Sendable {
    package var retain: Int

    package init(retain: Int) {
        self.retain = max(1, retain)
    }

    /// `releases` newest first; returns those to prune.
    package func releasesToPrune(_ releases: [Release], protecting protected: Set<String>) -> [Release] {
        var kept = 0
        var prune: [Release] = []
        for release in releases {
            if protected.contains(release.id) {
                kept += 1
            } else if kept < retain {
                kept += 1
            } else {
                prune.append(release)
            }
        }
        return prune
    }
}
