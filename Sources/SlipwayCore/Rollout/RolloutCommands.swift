import Foundation
import SlipwayModel

/// `slipway rollout SERVICE status|pause|resume|promote|abort`: a person's word to the rollout of
/// a running canary or blue-green deployment, taken or refused by its machine (`RolloutDesk`),
/// audited with the actor when taken.
struct RolloutCommands: Sendable {
    let deps: ControllerDependencies
    let table: ServiceTable
    let desk: RolloutDesk

    /// The running rollout of `key`, nil when none runs.
    func view(of key: ServiceKey) async -> RolloutView? {
        guard let (deployment, status) = await desk.status(of: key) else { return nil }
        return view(key, deployment: deployment, status)
    }

    func status(service: String, environment: String?) async throws -> RolloutView {
        let key = try table.config(service, environment: environment).key
        guard let (deployment, status) = await desk.status(of: key) else {
            throw SlipwayError(.rolloutRefused, "no rollout of \(key) is running", context: ErrorContext(service: service))
        }
        return view(key, deployment: deployment, status)
    }

    func command(_ command: RolloutCommand, _ request: RolloutCommandRequest) async throws -> RolloutCommandResponse {
        let key = try table.config(request.service, environment: request.environment).key
        let reason = request.reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if command == .promoteSkippingAnalysis, reason?.isEmpty != false {
            throw SlipwayError(.badRequest, "promote --skip-analysis needs --reason: it sends every request to a release "
                               + "nothing has judged, and the record keeps why", context: ErrorContext(service: request.service))
        }
        if let refusal = try await desk.send(command, to: key, actor: request.actor, reason: reason, at: deps.clock.now) {
            throw SlipwayError(.rolloutRefused, refusal, context: ErrorContext(service: request.service))
        }
        var entry = AuditEntry(at: deps.now(), actor: request.actor, action: Self.action(command), service: key.service,
                               detail: deps.redactor.redact("\(command.rawValue.replacingOccurrences(of: "_", with: " ")) the rollout of \(key)"
                                   + (reason.map { ": \($0)" } ?? "")))
        entry.environment = key.storedEnvironment
        let running = await desk.status(of: key)
        entry.deployment = running?.deployment
        do {
            try await deps.store.appendAudit(entry)
        } catch {
            deps.logger.error("could not append to the audit trail", metadata: ["action": "\(entry.action)", "error": "\(error)"])
        }
        // The rollout may have ended with this command (an abort, a promotion to 100%): then it has no status.
        return RolloutCommandResponse(service: key.service, environment: key.storedEnvironment, command: command,
                                      rollout: running.map { view(key, deployment: $0.deployment, $0.status) })
    }

    private func view(_ key: ServiceKey, deployment: String, _ status: RolloutStatus) -> RolloutView {
        RolloutView(service: key.service, environment: key.storedEnvironment, deployment: deployment, status: status,
                    date: deps.date(of:))
    }

    private static func action(_ command: RolloutCommand) -> AuditAction {
        switch command {
        case .pause: .rolloutPaused
        case .resume: .rolloutResumed
        case .promote: .rolloutPromoted
        case .promoteSkippingAnalysis: .rolloutPromotedSkippingAnalysis
        case .abort: .rolloutAborted
        }
    }
}
