import Foundation
import Logging
import SlipwayModel

/// Everything the controller's parts act through, passed in so that each can be replaced: a
/// runtime of processes or containers, the proxy or a fake router, SQLite or an in-memory store,
/// the system's clock or a test's.
package struct ControllerDependencies: Sendable {
    package var store: any ReleaseStore
    package var runtime: any Runtime
    package var router: any TrafficRouter
    package var probe: any HealthProbe
    package var builder: any ReleaseBuilder
    package var clock: any MonotonicClock
    package var now: @Sendable () -> Date
    package var logger: Logger
    /// Runs checks and smoke scripts; required when a service declares them.
    package var runner: (any StageCommandRunner)?
    /// Backs up and migrates databases; required when a service declares one.
    package var migrator: (any DatabaseMigrating)?
    package var notifier: any Notifier
    /// Sends static sites' `purge:` steps; required when a service declares one.
    package var purger: (any PurgeSender)?
    /// Hides secrets in every log line and message of a deployment's record.
    package var redactor: Redactor
    /// How long after its success a deployment's rollback is expected (recorded as its deadline).
    package var rollbackWindow: Duration
    /// What changed between commits, for `deploy --changed`.
    package var changes: (any ChangeSource)?
    /// Every running deployment's record and log lines as they happen, for those who follow one.
    package var live: LiveDeployments

    package init(store: any ReleaseStore, runtime: any Runtime, router: any TrafficRouter, probe: any HealthProbe,
                builder: any ReleaseBuilder, clock: any MonotonicClock = SystemClock(),
                now: @escaping @Sendable () -> Date = Date.init, logger: Logger,
                runner: (any StageCommandRunner)? = nil, migrator: (any DatabaseMigrating)? = nil,
                notifier: any Notifier = SilentNotifier(), redactor: Redactor = Redactor(),
                rollbackWindow: Duration = .seconds(3600), changes: (any ChangeSource)? = nil,
                live: LiveDeployments = LiveDeployments(), purger: (any PurgeSender)? = nil) {
        self.store = store
        self.runtime = runtime
        self.router = router
        self.probe = probe
        self.builder = builder
        self.clock = clock
        self.now = now
        self.logger = logger
        self.runner = runner
        self.migrator = migrator
        self.notifier = notifier
        self.redactor = redactor
        self.rollbackWindow = rollbackWindow
        self.changes = changes
        self.live = live
        self.purger = purger
    }

    /// The recorder of `record`: persisted to the store, streamed to `emit` and to its followers.
    func recorder(_ record: Deployment, emit: @escaping @Sendable (DeploymentEvent) -> Void) -> DeploymentRecorder {
        DeploymentRecorder(record, store: store, now: now, redactor: redactor, live: live, emit: emit)
    }

    /// Appends a line to the audit trail, its detail redacted (it often repeats a failure's message,
    /// which may quote a build's output); a store that cannot take it is logged, never thrown: what
    /// is being audited has happened either way.
    /// The wall-clock time of a reading of `clock` (the rollout's times are readings).
    func date(of reading: Duration) -> Date {
        now().addingTimeInterval(-(clock.now - reading).seconds)
    }

    func audit(_ action: AuditAction, service: ServiceKey?, deployment: String? = nil, actor: String = "slipway",
               _ detail: String) async {
        var entry = AuditEntry(at: now(), actor: actor, action: action, service: service?.service, deployment: deployment,
                               detail: redactor.redact(detail))
        entry.environment = service?.storedEnvironment
        do {
            try await store.appendAudit(entry)
        } catch {
            logger.error("could not append to the audit trail", metadata: ["action": "\(action)", "error": "\(error)"])
        }
    }

    /// Records the active release without throwing (a warning in the daemon's log).
    func record(_ active: ActiveRelease) async {
        do {
            try await store.setActive(active)
        } catch {
            logger.error("could not record the active release", metadata: ["service": "\(active.service)", "error": "\(error)"])
        }
    }
}

/// How an error reads in a record or a message.
func describe(_ error: any Error) -> String {
    if let error = error as? SlipwayError { return error.description }
    return String(describing: error)
}
