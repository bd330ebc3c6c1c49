import Hummingbird
import SlipwayModel

extension SlipwayError.Code {
    /// The status of an API answer that carries this code (docs/API.md). A 4xx is what the client
    /// can change: a request it must fix (400), a name that does not exist (404: a service,
    /// release, deployment or ref), a request the service's state refuses now (409: another
    /// deployment runs, nothing active); a 500 is what failed on the daemon's side. No `default:`,
    /// as in `ExitStatus.forError`: a new code must be placed. The database codes come from `slipway
    /// db`, which does not go through the API; they are placed by the same rule.
    var httpStatus: HTTPResponse.Status {
        switch self {
        case .badRequest, .configInvalid, .confirmationRequired:
            .badRequest
        case .unauthenticated:
            .unauthorized
        case .forbidden:
            .forbidden
        case .unknownToken, .unknownService, .unknownRelease, .unknownDeployment, .refNotFound, .unknownDatabase, .unknownBackup:
            .notFound
        case .tokenExists, .deploymentInProgress, .nothingToRollBack, .baselineRefused, .frozen, .rollbackWindowClosed,
             .rolloutRefused:
            .conflict
        case .policyRefused:
            .unprocessableContent
        case .approvalRefused:
            .forbidden
        case .configNotFound, .daemonUnreachable, .buildFailed, .startFailed, .unhealthy, .rollbackFailed,
             .dockerUnavailable, .storeFailed, .interrupted, .internalError, .databaseURLInvalid, .databaseFailed,
             .validationFailed, .migrationFailed, .lockTimeout, .migrationTimeout, .backupTimeout, .backupFailed,
             .backupVerifyFailed, .restoreFailed:
            .internalServerError
        }
    }
}
