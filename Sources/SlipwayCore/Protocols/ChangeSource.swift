import SlipwayModel

/// What changed in the repository between two commits.
package protocol ChangeSource: Sendable {
    /// The full commit a ref names; throws `SlipwayError(.refNotFound)`.
    func resolve(_ ref: String) async throws -> String
    /// Whether `name` is a tag in the repository.
    func isTag(_ name: String) async throws -> Bool
    /// The tags on exactly this commit.
    func tags(at commit: String) async throws -> [String]
    /// The subjects of the commits after `from` up to `to`, newest first (all of `to`'s history when
    /// `from` is nil), only those touching `paths` (gitignore-style globs) when any are given; at most `limit`.
    func commitSubjects(from: String?, to: String, paths: [String], limit: Int) async throws -> [String]
    /// Files added, modified, deleted or renamed (both names) between two commits, repository-relative.
    func changedFiles(from: String, to: String) async throws -> [String]
}
