/// The documented exit codes of `slipway` (README, `slipway --help`). Stable for scripting.
package enum ExitStatus: Int32, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case success = 0
    case checksFailed = 1
    case buildFailed = 2
    case deployFailed = 3
    case smokeFailedRolledBack = 4
    case rollbackFailed = 5
    /// The request was refused before anything changed: another deployment of the service runs,
    /// an unknown service or release, nothing to roll back to, a frozen environment, a rollback
    /// past its window.
    case refused = 6
    /// The daemon could not be reached through the state directory's socket.
    case daemonUnreachable = 7
    /// `slipway.yml` is missing or invalid.
    case configInvalid = 8
    /// The API refused the caller: no token, a wrong or revoked one (401), or a role too low (403).
    case notAuthorized = 9

    /// The number, as a script sees it (`exit 3`); `meaning` is the words.
    package var description: String { String(rawValue) }

    package var meaning: String {
        switch self {
        case .success: "success"
        case .checksFailed: "checks failed, or the environment's policy refused the ref (not a tag it takes, not what succeeded in its `promote_from`), nothing deployed"
        case .buildFailed: "build failed (ref did not resolve, export or build command failed)"
        case .deployFailed: "deploy failed, the previous release still serves"
        case .smokeFailedRolledBack: "smoke tests, a publish step or post-switch health failed and the release was rolled back"
        case .rollbackFailed: "rollback itself failed (critical)"
        case .refused: "refused: another deployment of the service is running, an unknown service/release/deployment, a frozen environment, a rollback past its window without `--override`, an approval that does not count"
        case .daemonUnreachable: "the daemon is not running or not reachable"
        case .configInvalid: "configuration missing or invalid"
        case .notAuthorized: "not authorized: the API token is missing, wrong or revoked, or its role is too low (TCP API)"
        }
    }

    /// The exit status a failure with this code maps to; for the database codes, the documented
    /// status of a `slipway db` failure (docs/DATABASES.md). No `default:`: a new code must be placed.
    package static func forError(_ code: SlipwayError.Code) -> ExitStatus {
        switch code {
        case .refNotFound, .buildFailed: .buildFailed
        case .policyRefused: .checksFailed
        case .frozen, .rollbackWindowClosed, .approvalRefused, .rolloutRefused: .refused
        case .startFailed, .unhealthy, .interrupted, .internalError, .storeFailed, .dockerUnavailable: .deployFailed
        case .rollbackFailed: .rollbackFailed
        case .deploymentInProgress, .unknownService, .unknownRelease, .unknownDeployment,
             .nothingToRollBack, .badRequest: .refused
        case .daemonUnreachable: .daemonUnreachable
        case .unauthenticated, .forbidden: .notAuthorized
        case .tokenExists, .unknownToken: .refused
        case .configInvalid, .configNotFound: .configInvalid
        case .validationFailed: .checksFailed
        case .migrationFailed, .migrationTimeout, .backupFailed, .backupTimeout, .backupVerifyFailed, .databaseFailed: .deployFailed
        case .restoreFailed: .rollbackFailed
        case .unknownDatabase, .unknownBackup, .lockTimeout, .baselineRefused, .confirmationRequired: .refused
        case .databaseURLInvalid: .configInvalid
        }
    }
}

/// Ordered by number, which is by severity: a run's exit status is the worst (highest) of its services'.
extension ExitStatus: Comparable {
    package static func < (lhs: ExitStatus, rhs: ExitStatus) -> Bool { lhs.rawValue < rhs.rawValue }
}
