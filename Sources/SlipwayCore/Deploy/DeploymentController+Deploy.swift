import Foundation
import SlipwayModel

extension DeploymentController {
    /// Builds `request.ref` and moves the service's traffic to it: start beside the old release,
    /// health-gate, switch, drain, stop the old one, prune. Throws only when refused before it began
    /// (unknown service, busy); every other failure is in the returned record's outcome and exit code.
    public func deploy(_ request: DeployRequest, emit: @escaping @Sendable (DeploymentEvent) -> Void = { _ in }) async throws -> Deployment {
        let service = try serviceConfig(request.service)
        let id = Identifiers.deploymentID(at: deps.now())
        try acquire(service.name, ServiceLock(deploymentID: id, actor: request.actor, what: "deployment"))
        defer { release(service.name) }

        let previous = services[service.name]?.active
        var record = Deployment(id: id, kind: .deploy, service: service.name, ref: request.ref, fromRelease: previous?.releaseID,
                                actor: request.actor, startedAt: deps.now())
        record.trigger = request.trigger
        let recorder = DeploymentRecorder(record, store: deps.store, now: deps.now, redactor: deps.redactor, emit: emit)
        emit(DeploymentEvent(event: .accepted, deploymentID: id))
        await recorder.persist()
        await audit(.deployStarted, service: service.name, deployment: id, actor: request.actor,
                    "deploy \(service.name) at \(request.ref)")
        return await drive(DeploymentMachine.Plan(id: id, kind: .deploy(ref: request.ref), service: service, previous: previous),
                           recorder: recorder)
    }

    func conclude(_ recorder: DeploymentRecorder, _ outcome: Deployment.Outcome, _ exit: ExitStatus, _ message: String,
                  action: AuditAction) async -> Deployment {
        let record = await recorder.finish(outcome, exit: exit, message: message)
        await audit(action, service: record.service, deployment: record.id, actor: record.actor, message)
        return record
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? SlipwayError { return error.description }
        return String(describing: error)
    }

    /// Makes `active` the service's serving release in the controller's view and starts its watch.
    func activate(_ active: ActiveRelease, startedAt: Duration) {
        guard var state = services[active.service] else { return }
        state.active = active
        state.health = LiveHealth(unhealthyThreshold: state.config.health.unhealthyThreshold, status: .healthy)
        state.nextProbeAt = deps.clock.now + state.config.health.interval
        state.watchUntil = state.config.watch > .zero ? deps.clock.now + state.config.watch : nil
        state.instanceStartedAt = startedAt
        state.restartAt = nil
        state.warmRetireAt = active.warmUntil.map { deps.clock.now + .seconds(max(0, $0.timeIntervalSince(deps.now()))) }
        services[active.service] = state
    }

    enum GateResult: Sendable {
        case healthy
        case failed(String)
    }

    /// Probes until `healthy_threshold` consecutive successes, the instance exits, or `start_timeout`.
    func waitUntilHealthy(_ instance: Instance, service: ServiceConfig, startedAt: Duration) async -> GateResult {
        services[service.name]?.starting.insert(instance)
        defer {
            services[service.name]?.starting.remove(instance)
            services[service.name]?.startingExits[instance] = nil
        }
        var gate = HealthGate(check: service.health, startedAt: startedAt)
        var action = gate.firstAction()
        while true {
            switch action {
            case .pass:
                return .healthy
            case .fail(let reason):
                return .failed(reason)
            case .probe(let delay):
                if delay > .zero {
                    do { try await deps.clock.sleep(for: delay) } catch { return .failed("cancelled") }
                }
                let result = await deps.probe.probe(instance.upstream, check: service.health)
                if !result.healthy, !(await deps.runtime.isAlive(instance)) {
                    action = gate.instanceExited(await howItExited(instance))
                } else {
                    action = gate.handle(result, at: deps.clock.now)
                }
            }
        }
    }

    /// How a starting instance ended, once the runtime has reported its exit (it is usually a few
    /// milliseconds behind the probe that found the instance gone).
    func howItExited(_ instance: Instance) async -> String {
        for _ in 0..<25 {
            if let summary = services[instance.service]?.startingExits[instance]
                ?? services[instance.service]?.unclaimedExits.last(where: { $0.instance == instance })?.summary {
                return summary
            }
            do { try await deps.clock.sleep(for: .milliseconds(10)) } catch { break }
        }
        return "exited"
    }
}
