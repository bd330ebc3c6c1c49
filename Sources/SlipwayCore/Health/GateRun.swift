import SlipwayModel

/// A health gate run to its end outside a deployment's machine: a crashed replica's restart, and
/// each new or restored replica of a rolling replacement.
struct GateRun: Sendable {
    let deps: ControllerDependencies
    let table: ServiceTable

    /// Probes until `healthy_threshold` consecutive successes, the instance exits, or `start_timeout`
    /// (`HealthGate`'s rules). Returns why it failed, nil when healthy.
    func waitUntilHealthy(_ instance: Instance, service: ServiceConfig, startedAt: Duration) async -> String? {
        await table.claimExits(of: instance)
        var gate = HealthGate(check: service.health, startedAt: startedAt)
        var action = gate.firstAction()
        var failure: String?
        loop: while true {
            switch action {
            case .pass:
                break loop
            case .fail(let reason):
                failure = reason
                break loop
            case .probe(let delay):
                if delay > .zero {
                    do { try await deps.clock.sleep(for: delay) } catch {
                        failure = "cancelled"
                        break loop
                    }
                }
                let result = await deps.probe.probe(instance.upstream, check: service.health)
                if !result.healthy, !(await deps.runtime.isAlive(instance)) {
                    action = gate.instanceExited(await table.howItExited(instance))
                } else {
                    action = gate.handle(result, at: deps.clock.now)
                }
            }
        }
        await table.unclaimExits(of: instance)
        return failure
    }
}
