/// The stages of a deployment, in the order a deploy runs them (`backup` and `migrate` beside
/// `build`), and `rollback`, the switch back a failed smoke test makes. Their JSON spellings are the
/// stage names records and the CLI have always shown.
package enum Stage: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case validate
    case checks
    case build
    case backup
    case migrate
    case start
    case health
    /// A canary's steps or a blue-green preview, between the health gate and the switch.
    case rollout
    case `switch`
    case smoke
    /// A static site's `publish:` steps (uploads, CDN purges), after its smoke tests.
    case publish
    case drain
    case stop
    case prune
    case notify
    case rollback

    package var description: String { rawValue }
}
