import Foundation
import SlipwayCore
import SlipwayModel

/// What a person can do from the dashboard: each action is one of the API's endpoints (its role
/// decides who may, refusals are audited alike) and calls the same controller method the CLI's
/// request reaches, with the signed-in caller as its actor.
struct DashboardActions: Sendable {
    let controller: DeploymentController
    let queue: DeploymentQueue
    let redactor: Redactor

    /// The endpoint whose role an action needs; nil for an unknown action.
    static func endpoint(_ action: String) -> APIEndpoint? {
        switch action {
        case "rollout-pause": .rolloutPause
        case "rollout-resume": .rolloutResume
        case "rollout-promote": .rolloutPromote
        case "rollout-abort": .rolloutAbort
        case "approve": .approve
        case "reject": .reject
        case "freeze": .freeze
        case "unfreeze": .unfreeze
        case "rollback": .rollback
        default: nil
        }
    }

    /// Whether a rollback form asks to pass the rollback window (its admin-only box is ticked).
    static func overrides(_ fields: [String: String]) -> Bool { fields["override"] == "yes" }

    /// Performs `action` for `caller` (already authorized for its endpoint); returns the sentence
    /// the overview shows. Throws the controller's refusal.
    func perform(_ action: String, _ fields: [String: String], caller: Caller) async throws -> String {
        let service = fields["service"] ?? ""
        let environment = fields["environment"].flatMap { $0.isEmpty ? nil : $0 }
        let reason = fields["reason"].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        switch action {
        case "rollout-pause", "rollout-resume", "rollout-promote", "rollout-abort":
            let command: RolloutCommand = switch action {
            case "rollout-pause": .pause
            case "rollout-resume": .resume
            case "rollout-promote": .promote
            default: .abort
            }
            _ = try await controller.commandRollout(command, RolloutCommandRequest(service: service, environment: environment,
                                                                                   reason: reason, actor: caller.name))
            return "\(command.rawValue) of \(service)'s rollout taken"
        case "approve":
            let record = try await controller.approve(fields["deployment"] ?? "", ApprovalRequest(actor: caller.name, comment: reason))
            return "approved \(record.id)"
        case "reject":
            let record = try await controller.reject(fields["deployment"] ?? "", ApprovalRequest(actor: caller.name, comment: reason))
            return "rejected \(record.id)"
        case "freeze":
            guard let reason else { throw SlipwayError(.badRequest, "a freeze needs a reason") }
            let freeze = try await controller.freeze(FreezeRequest(environment: environment ?? ServiceKey.defaultEnvironment,
                                                                   reason: reason, actor: caller.name))
            return "\(freeze.environment) frozen"
        case "unfreeze":
            try await controller.unfreeze(environment: environment ?? ServiceKey.defaultEnvironment, actor: caller.name)
            return "\(environment ?? ServiceKey.defaultEnvironment) unfrozen"
        case "rollback":
            // Past its rollback window only with `override` (its role, an admin's, is checked by the route).
            let request = RollbackRequest(service: service, environment: environment, actor: caller.name,
                                          override: Self.overrides(fields) ? true : nil, reason: reason)
            // Checked before it runs (a rollback window, nothing to roll back to), then run like the
            // CLI's: in the daemon's queue, the overview following it live.
            let (controller, redactor) = (controller, redactor)
            let events = queue.run { emit in
                do {
                    let record = try await controller.rollback(request, emit: emit)
                    emit(DeploymentEvent(event: .finished, deploymentID: record.id, deployment: record))
                } catch {
                    emit(DeploymentEvent(event: .refused, error: apiError(error, redactor: redactor)))
                }
            }
            for await event in events {
                if event.event == .refused { throw SlipwayError(.badRequest, event.error?.message ?? "the rollback was refused") }
                if [.accepted, .stage, .finished].contains(event.event) { break }
            }
            return "rollback of \(service) started"
        default:
            throw SlipwayError(.badRequest, "no action \(action)")
        }
    }
}
