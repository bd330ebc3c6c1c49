import SlipwayModel

/// Every problem found in one configuration file, in file order, so a user fixes them in one pass.
///
/// Each issue is a `SlipwayError` with code `.configInvalid` whose context holds the file (as the caller
/// named it), line, column and key path; its description reads
/// `slipway.yml:12:7: services.web.health.timeout: expected a duration like 2s, got "two"`.
package struct ConfigIssues: Error, Sendable, Equatable, CustomStringConvertible {
    package var issues: [SlipwayError]

    package init(_ issues: [SlipwayError]) {
        self.issues = issues
    }

    /// One line per issue.
    package var description: String {
        issues.map(\.description).joined(separator: "\n")
    }
}
