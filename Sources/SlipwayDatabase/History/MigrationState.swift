/// Where one migration stands, as `slipway db info` shows it.
package enum MigrationState: String, Sendable, Codable, CaseIterable {
    /// Ran successfully and its file is unchanged.
    case applied
    /// Not run yet; `migrate` runs it.
    case pending
    /// Recorded as failed: it ran outside a transaction and stopped half way.
    case failed
    /// Applied, but its file changed since (checksum): `validate` refuses.
    case changed
    /// Applied, but its file is gone: `validate` refuses.
    case missing
    /// Not run, and lower than the highest applied version: refused unless `out_of_order: true`.
    case outOfOrder = "out_of_order"
    /// The baseline marker written by `baseline`.
    case baseline
    /// Not run, and at or below the baseline: never run.
    case belowBaseline = "below_baseline"
    /// A repeatable migration that ran before and changed since: `migrate` runs it again.
    case outdated
}
