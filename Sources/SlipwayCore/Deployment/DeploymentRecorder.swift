import Foundation
import SlipwayModel
import Synchronization

/// Keeps one deployment's record: stages with start, end and outcome, its log, persisted to the
/// store at every stage boundary and streamed to whoever started it.
package final class DeploymentRecorder: Sendable {
    private struct State {
        var deployment: Deployment
        var pendingLog: [String] = []
    }

    private let state: Mutex<State>
    private let store: any ReleaseStore
    private let emit: @Sendable (DeploymentEvent) -> Void
    private let now: @Sendable () -> Date
    /// Every line and message passes through it: a secret never reaches the record, log or stream.
    private let redactor: Redactor
    /// Told of every line and record change, for those following the deployment live.
    private let live: LiveDeployments?

    package init(_ deployment: Deployment, store: any ReleaseStore, now: @escaping @Sendable () -> Date,
                redactor: Redactor = Redactor(), live: LiveDeployments? = nil, emit: @escaping @Sendable (DeploymentEvent) -> Void) {
        self.state = Mutex(State(deployment: deployment))
        self.store = store
        self.now = now
        self.redactor = redactor
        self.live = live
        self.emit = emit
    }

    package var deployment: Deployment { state.withLock { $0.deployment } }
    package var id: String { state.withLock { $0.deployment.id } }

    /// Changes fields of the record (release, version, ...) without a stage boundary.
    package func update(_ change: (inout Deployment) -> Void) {
        state.withLock { change(&$0.deployment) }
    }

    /// A line for the deployment's log; streamed now, persisted at the next stage boundary.
    package func log(_ line: String) {
        let line = redactor.redact(line)
        let id = state.withLock { state -> String in
            state.pendingLog.append(line)
            return state.deployment.id
        }
        live?.logged(id, line)
        emit(DeploymentEvent(event: .log, deploymentID: id, line: line))
    }

    package func beginStage(_ name: Stage) async {
        let (stage, id) = state.withLock { state -> (StageRecord, String) in
            let stage = StageRecord(name: name, startedAt: now())
            state.deployment.stages.append(stage)
            return (stage, state.deployment.id)
        }
        emit(DeploymentEvent(event: .stage, deploymentID: id, stage: stage))
        await persist()
    }

    /// Ends the stage that is running, or the running stage `named` when stages run side by side.
    package func endStage(_ outcome: StageRecord.Outcome, _ message: String? = nil, named name: Stage? = nil) async {
        let message = message.map(redactor.redact)
        let ended = state.withLock { state -> (StageRecord, String)? in
            guard let index = state.deployment.stages.lastIndex(where: { $0.outcome == .running && (name == nil || $0.name == name) })
            else { return nil }
            state.deployment.stages[index].finishedAt = now()
            state.deployment.stages[index].outcome = outcome
            state.deployment.stages[index].message = message
            return (state.deployment.stages[index], state.deployment.id)
        }
        if let (stage, id) = ended {
            emit(DeploymentEvent(event: .stage, deploymentID: id, stage: stage))
        }
        await persist()
    }

    /// Closes the record with its outcome and exit code and persists it.
    package func finish(_ outcome: Deployment.Outcome, exit: ExitStatus, message: String?) async -> Deployment {
        let message = message.map(redactor.redact)
        let record = state.withLock { state -> Deployment in
            for index in state.deployment.stages.indices where state.deployment.stages[index].outcome == .running {
                state.deployment.stages[index].outcome = .failed
                state.deployment.stages[index].finishedAt = now()
            }
            state.deployment.outcome = outcome
            state.deployment.exitCode = exit
            state.deployment.message = message
            state.deployment.finishedAt = now()
            return state.deployment
        }
        if let message { log(message) }
        await persist()
        live?.finished(record)
        return record
    }

    /// Writes the record for the first time, before the deployment is announced: a deployment
    /// that could not be recorded is refused, so one announced is always found in `history`.
    package func open() async throws {
        try await store.saveDeployment(deployment)
        live?.opened(deployment)
    }

    /// Tells whoever started it that the deployment has an id.
    package func emitAccepted() {
        emit(DeploymentEvent(event: .accepted, deploymentID: id))
    }

    /// Writes the record and any pending log lines. A store failure is logged, never thrown:
    /// the deployment itself must go on and end in a known state.
    package func persist() async {
        let (record, lines) = state.withLock { state -> (Deployment, [String]) in
            let lines = state.pendingLog
            state.pendingLog.removeAll()
            return (state.deployment, lines)
        }
        live?.changed(record)
        do {
            try await store.saveDeployment(record)
            if !lines.isEmpty {
                try await store.appendLog(deployment: record.id, text: lines.joined(separator: "\n") + "\n")
            }
        } catch {
            emit(DeploymentEvent(event: .log, deploymentID: record.id,
                                 line: redactor.redact("warning: could not record the deployment: \(error)")))
        }
    }
}
