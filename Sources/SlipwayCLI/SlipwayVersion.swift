/// The release of Slipway this source tree is, raised by hand when one is cut; `buildRevision`
/// (written at build time by the BuildRevision plugin) says which commit a binary was built from.
package let slipwayVersion = "0.9.0"

/// `slipway --version`: `0.9.0 (commit 3787e8d1a2b4)`; `+changes` when the tree had uncommitted changes.
package var slipwayVersionLine: String { "\(slipwayVersion) (commit \(buildRevision))" }
