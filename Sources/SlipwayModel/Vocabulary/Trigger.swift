/// How a deployment was started, as its record says (`trigger`; absent for a single deploy).
/// The issue of environments adds the GitHub webhook and the API's own; each is a case here first.
package enum Trigger: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// `slipway deploy --changed`: a run over the services a commit range touched.
    case changed
    /// A run the git post-receive hook started (`slipway hook install`).
    case push

    package var description: String { rawValue }
}
