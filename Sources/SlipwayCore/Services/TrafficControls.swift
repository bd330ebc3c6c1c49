import Foundation
import SlipwayModel

/// `slipway proxy pause|resume|maintenance|live`: a service's proxy control, changed in its
/// environment's proxy (where it is kept, with the route table) and audited with its actor.
struct TrafficControls: Sendable {
    let deps: ControllerDependencies
    let table: ServiceTable

    func change(_ change: TrafficControlChange, _ request: TrafficControlRequest) async throws -> TrafficControlResponse {
        let key = try table.config(request.service, environment: request.environment).key
        var message: String?
        if change == .maintenance {
            message = (request.message ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard message?.isEmpty == false else {
                throw SlipwayError(.badRequest, "maintenance needs a message (--message \"back at 14:00\"): it is what every visitor reads",
                                   context: ErrorContext(service: request.service))
            }
        }
        var hold: Duration?
        if change == .pause, let milliseconds = request.holdMilliseconds {
            guard milliseconds > 0 else {
                throw SlipwayError(.badRequest, "--hold must be longer than 0", context: ErrorContext(service: request.service))
            }
            hold = .milliseconds(milliseconds)
        }
        let control = try await deps.router.changeControl(change, hold: hold, message: message, of: key)
        var entry = AuditEntry(at: deps.now(), actor: request.actor, action: Self.action(change), service: key.service,
                               detail: deps.redactor.redact(Self.detail(change, key: key, control: control)))
        entry.environment = key.storedEnvironment
        do {
            try await deps.store.appendAudit(entry)
        } catch {
            deps.logger.error("could not append to the audit trail", metadata: ["action": "\(entry.action)", "error": "\(error)"])
        }
        return TrafficControlResponse(service: key.service, environment: key.storedEnvironment, control: control)
    }

    private static func action(_ change: TrafficControlChange) -> AuditAction {
        switch change {
        case .pause: .proxyPaused
        case .resume: .proxyResumed
        case .maintenance: .proxyMaintenance
        case .live: .proxyLive
        }
    }

    private static func detail(_ change: TrafficControlChange, key: ServiceKey, control: TrafficControl) -> String {
        switch change {
        case .pause:
            "paused \(key): new requests held up to \(DurationText.format(.milliseconds(control.pausedHoldMilliseconds ?? 0)))"
        case .resume: "resumed \(key): held requests go on"
        case .maintenance: "\(key) in maintenance: \(control.maintenance ?? "")"
        case .live: "\(key) live again"
        }
    }
}
