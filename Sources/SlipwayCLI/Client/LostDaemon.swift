import SlipwayModel

/// What the CLI knows when a daemon's stream breaks off: the deployments it announced. The daemon died or
/// was stopped while it worked (exit 7, "the daemon is not running or not reachable"); how each deployment
/// ended (finished, failed, or interrupted and closed by the next daemon's recovery) only its records say,
/// so the message names them and where to look once the daemon is back.
struct LostDaemon {
    private(set) var deploymentIDs: [String] = []

    mutating func note(_ event: DeploymentEvent) {
        guard event.event == .accepted, let id = event.deploymentID, !deploymentIDs.contains(id) else { return }
        deploymentIDs.append(id)
    }

    /// `cause`: the connection's error, or nil when the stream ended without its last event.
    func error(cause: (any Error)?) -> SlipwayError {
        let how = cause.map { "the connection broke: \($0)" } ?? "the stream ended before its last event"
        let message = switch deploymentIDs.count {
        case 0:
            "lost the daemon before it announced a deployment (\(how)); once the daemon is back (`slipway serve`), "
                + "`slipway history` shows whether one started"
        case 1:
            "lost the daemon while deployment \(deploymentIDs[0]) was running (\(how)); it may have finished, failed "
                + "or been interrupted: once the daemon is back (`slipway serve`), `slipway show \(deploymentIDs[0])` "
                + "says how it ended"
        default:
            "lost the daemon while deployments \(deploymentIDs.joined(separator: ", ")) were running (\(how)); "
                + "once the daemon is back (`slipway serve`), `slipway history` says how each ended"
        }
        return SlipwayError(.daemonUnreachable, message, context: ErrorContext(deployment: deploymentIDs.first))
    }
}
