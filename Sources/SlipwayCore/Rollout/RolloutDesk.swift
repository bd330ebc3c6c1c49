import SlipwayModel

/// Where people reach the rollouts that run: each running deployment in its rollout registers
/// here how to post it a command and where it stands, and `slipway rollout SERVICE …` comes here.
/// A command waits for the deployment's machine to take or refuse it, so its answer is the
/// machine's, never a guess.
actor RolloutDesk {
    private struct Running {
        var deployment: String
        var post: @Sendable (DeploymentMachine.Event) -> Void
        var status: RolloutStatus?
    }

    private var running: [ServiceKey: Running] = [:]
    private var waiting: [Int: (service: ServiceKey, answer: CheckedContinuation<String?, Never>)] = [:]
    private var nextID = 0
    /// Answers given during the machine's current turn.
    private var answered: [(id: Int, refusal: String?)] = []

    /// A deployment of `service` runs a rollout from now on; `post` hands its machine an event.
    func open(_ service: ServiceKey, deployment: String, post: @escaping @Sendable (DeploymentMachine.Event) -> Void) {
        running[service] = Running(deployment: deployment, post: post)
    }

    /// Where the rollout stands once the machine handled an event; the commands it answered in that
    /// turn get their answers now, so their callers read the status their command made.
    func update(_ service: ServiceKey, status: RolloutStatus?) {
        running[service]?.status = status
        for (id, refusal) in answered where waiting[id]?.service == service {
            waiting.removeValue(forKey: id)?.answer.resume(returning: refusal)
        }
        answered.removeAll { waiting[$0.id] == nil }
    }

    /// The deployment ended: commands still waiting get their refusal.
    func close(_ service: ServiceKey) {
        running[service] = nil
        for (id, entry) in waiting where entry.service == service {
            waiting[id] = nil
            let given = answered.first { $0.id == id }
            entry.answer.resume(returning: given.map(\.refusal) ?? "the rollout of \(service) ended before it took the command")
        }
        answered.removeAll { waiting[$0.id] == nil }
    }

    /// Hands the deployment running a rollout of `service` an event (the release serving beside it
    /// changed); nothing when none runs.
    func post(_ event: DeploymentMachine.Event, to service: ServiceKey) {
        running[service]?.post(event)
    }

    /// The services whose rollout runs now.
    var services: [ServiceKey] { running.keys.sorted() }

    /// The deployment and the status of the rollout of `service`, when one runs.
    func status(of service: ServiceKey) -> (deployment: String, status: RolloutStatus)? {
        guard let entry = running[service], let status = entry.status else { return nil }
        return (entry.deployment, status)
    }

    /// Hands `command` to the rollout of `service` and waits for its answer: nil when taken, else
    /// why not. Throws when no rollout of the service runs.
    func send(_ command: RolloutCommand, to service: ServiceKey, actor: String, reason: String?, at: Duration) async throws -> String? {
        guard let entry = running[service] else {
            throw SlipwayError(.rolloutRefused, "no rollout of \(service) is running: `slipway rollout` commands a canary or "
                               + "blue-green deployment between its health gate and its switch",
                               context: ErrorContext(service: service.service))
        }
        nextID += 1
        let id = nextID
        return await withCheckedContinuation { continuation in
            waiting[id] = (service, continuation)
            entry.post(.rolloutCommand(DeploymentMachine.RolloutRequest(id: id, command: command, actor: actor, reason: reason, at: at)))
        }
    }

    /// The machine's answer to command `id`, handed to its caller at the next `update`.
    func answer(_ id: Int, refusal: String?) {
        answered.append((id, refusal))
    }
}
