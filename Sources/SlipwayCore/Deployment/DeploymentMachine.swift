import Foundation
import SlipwayModel

/// The life of one deployment (a deploy, a rollback or an automatic rollback) as a plain state
/// machine: `handle(_:)` takes what happened and returns what to do next. No I/O, no clock, no
/// `async`: the driver (`DeploymentRun`) performs the actions and feeds their results back as
/// events, so every rule of a deployment, and every failure path back, is tested without a socket,
/// a process or a sleep.
///
/// A deploy: validate → checks → build ∥ (backup → migrate) → start → health → switch → smoke →
/// drain → stop → prune → notify. A rollback starts at `start`, reusing the warm instance of its
/// release when it still answers, and neither prunes nor notifies.
///
/// The driver performs a list of actions in order. Each list holds at most one action that answers
/// with an event, and it comes last, except `build` and `backUpAndMigrate`, which run beside the
/// rest and answer whenever they end (the events of one list never interleave with another's).
package struct DeploymentMachine: Sendable {
    package enum Kind: Sendable, Equatable {
        /// Build `ref` and move the service's traffic to it.
        case deploy(ref: String)
        /// Move traffic to a retained release, without a build.
        case rollback(to: Release)
        /// The active release failed its watch: back to `to`; the release rolled away from is
        /// unhealthy, so it is stopped after the drain rather than kept warm. `switchedBy` is the
        /// deployment that switched to it, marked rolled back once this succeeds.
        case automaticRollback(to: Release, reason: String, switchedBy: String?)
        /// Carry `release`, which succeeded in another environment (deployment `from`), into this
        /// one as the same artifact: copied instead of exported, not built again; otherwise a deploy
        /// (checks, migrations, health gate, smoke tests, prune, notifications).
        case promote(Release, from: String)

        /// Whether it goes the way of a deploy (a promotion does).
        package var isDeploy: Bool {
            switch self {
            case .deploy, .promote: true
            case .rollback, .automaticRollback: false
            }
        }

        package var isPromotion: Bool { if case .promote = self { true } else { false } }
    }

    package struct Plan: Sendable, Equatable {
        package var id: String
        package var kind: Kind
        package var service: ServiceConfig
        /// What served when the deployment began.
        package var previous: ActiveRelease?

        package init(id: String, kind: Kind, service: ServiceConfig, previous: ActiveRelease?) {
            self.id = id
            self.kind = kind
            self.service = service
            self.previous = previous
        }
    }

    package enum Event: Sendable, Equatable {
        case begin
        // validate → checks
        case exported(StagedRelease)
        case exportFailed(String)
        case checkPassed
        case checkFailed(String)
        // build ∥ backup → migrate
        case built(StagedRelease)
        case buildFailed(String)
        case buildCancelled
        /// The service has a database but the daemon has no migrator.
        case migratorMissing
        /// The migrator took a verified backup and asks whether to apply the migrations.
        case backedUp(String)
        /// The migrator returned: the scripts it applied (none when nothing was pending or it was told not to).
        case migrationsEnded([String])
        case databaseFailed(String)
        case published(Release)
        case publishFailed(String)
        case releaseSaved
        /// The answer to `claimRoute`: what serves now, as the cutover begins.
        case routeClaimed(ActiveRelease?)
        case releaseNotSaved(String)
        // start → health
        /// The warm instance's liveness and, when alive, one probe; `at` is the clock's reading.
        case warmProbed(alive: Bool, ProbeResult?, at: Duration)
        case instanceStarted(Instance, at: Duration)
        case startFailed(String)
        case probed(ProbeResult, at: Duration)
        /// The starting instance is gone; how it ended.
        case instanceExited(String)
        /// The gate's wait was cancelled (the daemon is stopping).
        case gateCancelled
        case logTail(String)
        // switch → smoke → drain → prune → notify
        /// The route now points at the new release's instances. `replaced` is where it pointed;
        /// `warm` the instances an earlier deployment kept warm, as the controller knows them now.
        case switched(replaced: [Upstream], at: Date, warm: [Instance])
        case smokePassed
        case smokeFailed(String)
        /// A static site's `publish:` step passed or failed (the reason names the step).
        case publishStepPassed
        case publishStepFailed(String)
        case previousAlive(Bool)
        case drained(left: Int)
        case pruned(removed: [String], retained: Int)
        case pruneFailed(String)
        /// The outcome notification went out; `total` notifications are now on the record.
        case notified(total: Int)
        // The rollout (canary, blue-green) between the gate and the switch.
        /// A `wake` came due (or an older one: the rollout ignores what is not due).
        case rolloutTimer(at: Duration)
        /// The answer to `collectWindow`: each release's requests since `openWindow`.
        case windowCollected(canary: WindowStats, baseline: WindowStats?, at: Duration)
        case rolloutCheckFinished(passed: Bool, summary: String, at: Duration)
        case rolloutCommand(RolloutRequest)
        /// The release serving beside a rollout changed instances (supervision restarted one, or took
        /// one out of the pool): what serves now.
        case baselineChanged(ActiveRelease?, routed: [Upstream])
        // A rolling replacement, instance by instance.
        /// The answer to `startReplica`: the new instance in `slot` (nil: it did not start) and why
        /// it failed its gate (or the smoke tests), nil when it passed.
        case replicaStarted(slot: String, Instance?, failure: String?)
        /// The answer to `drainAndStopReplica`: the old instance `id` has stopped.
        case replicaStopped(id: String)
        /// The answer to `restoreReplica`: the old release runs again in `id`'s place (nil: it did not).
        case replicaRestored(id: String, Instance?, failure: String?)
    }

    package enum Action: Sendable, Equatable {
        // The record.
        case beginStage(Stage)
        case endStage(Stage, StageRecord.Outcome, String)
        case log(String)
        /// The ref resolved: the record gets the release, version and commit.
        case recordExport(Release)
        case recordImage(String?)
        case recordBackup(String)
        case recordMigrations([String])
        case recordInstance(Instance)
        /// The record's rollback deadline: now plus the rollback window.
        case recordRollbackDeadline
        // The release.
        case export(ref: String)
        /// A promotion's copy of the release it carries, in place of an export.
        case copyArtifact(Release)
        case runCheck(CheckConfig, directory: String, release: Release)
        case discard(StagedRelease)
        case build(StagedRelease, prefixed: Bool)
        case cancelBuild
        case backUpAndMigrate(database: String, directory: String)
        /// The answer to `backedUp`: apply the migrations or not.
        case continueMigrations(Bool)
        case publish(StagedRelease)
        case saveRelease(Release)
        /// The deploy takes the service's route for its cutover (supervision of the serving release,
        /// which went on while it prepared, stops) and learns what serves now: `routeClaimed`.
        case claimRoute
        /// A rollout begins beside the serving release: that release stays supervised, and changes to
        /// its instances come to the deployment as `baselineChanged`.
        case lendBaseline
        case removeRelease(Release)
        // Instances and traffic.
        /// Each warm instance of the release: alive, and one probe (`warmProbed` tells the worst).
        case probeWarm([Instance])
        case start(Release)
        /// Exits of this instance are its gate's from now on (how it ended is kept for the message).
        case claimExits(Instance)
        case unclaimExits(Instance)
        case probe(Instance, after: Duration)
        case fetchLogTail(Instance)
        case stop(Instance)
        /// The service's warm instance was stopped or is gone: clear it from the view and the record.
        case forgetWarm
        /// Every request to these instances (one release's replicas), at once.
        case switchTraffic(to: [Upstream])
        /// Records `active` as what the service serves and makes it the controller's view, its watch armed.
        case activate(ActiveRelease, startedAt: Duration)
        case runSmokeTest(SmokeTestConfig, release: Release, instance: Instance)
        case runPublishStep(PublishStep, release: Release, instance: Instance)
        case checkAlive(Instance)
        /// Undoes a switch: the route back to `upstreams` (empty: none) and `previous` active again.
        case switchBack(to: [Upstream], previous: ActiveRelease?)
        /// Waits until none of these has a request in flight (or `drain_timeout`); answers `drained`.
        case drain([Upstream])
        /// This deployment is the one that switched to the active release (its watch may roll it back).
        case markSwitchedBy
        case prune
        case notify(DeploymentNotification.Event, failedStage: Stage?, nextStep: String?)
        case markRolledBack(deployment: String, reason: String)
        /// The release rolled back to must not be rolled back again by the watch of the failed one.
        case endWatch
        // The rollout.
        /// The new release takes `weight` percent of production requests, the release that served the rest.
        case routeSplit(canary: [Upstream], baseline: [Upstream], weight: Int)
        /// Production stays on the release that served (`baseline`: its instances in the pool); the
        /// new one is reachable on the preview route.
        case routePreview([Upstream], baseline: [Upstream])
        /// All traffic back on the release that served (none on a first deploy): the rollout stopped.
        case routeBaseline([Upstream])
        /// Snapshot both releases' counters: the next `collectWindow` covers from here.
        case openWindow
        /// Read both releases' counters since `openWindow` (the canary's is `canary`) and answer `windowCollected`.
        case collectWindow(canary: String)
        /// Send `rolloutTimer` at this clock reading (from a side task: the deployment goes on).
        case wake(at: Duration)
        case runRolloutCheck(RolloutCheckContext, release: Release)
        case recordRolloutStep(RolloutStepResult, canary: String)
        /// The answer to a person's command: nil when taken, else why not.
        case answerRollout(id: Int, refusal: String?)
        // Recreate.
        /// The proxy holds the service's new requests (`recreate.hold_requests`, then 503).
        case holdTraffic
        /// Held requests go on to where the service routes now.
        case releaseTraffic
        /// Start the retained release with this id again (recreate's way back); answers
        /// `instanceStarted` or `startFailed`.
        case restartRelease(String)
        /// The route back to the release started again.
        case restoreRoute([Upstream])
        // Rolling (each answered from a side task: several run at once).
        /// Start one instance of `release`, gate it (and, `smoke`, run the smoke tests against it),
        /// and answer `replicaStarted`.
        case startReplica(Release, slot: String, smoke: Bool)
        /// Drain the old instance (already out of the pool), stop it, answer `replicaStopped`.
        case drainAndStopReplica(Instance, id: String)
        /// Start the retained release `releaseID` again in place of old instance `id`, gate it,
        /// answer `replicaRestored`.
        case restoreReplica(releaseID: String, id: String)
        /// The pool as it stands: the old release's instances and the new one's, each release
        /// weighted by how many it has, so every instance takes an even share.
        case routeRolling(old: [Upstream], new: [Upstream])
        /// The last action: close the record and append `audit` to the trail.
        case finish(Deployment.Outcome, ExitStatus, String, audit: AuditAction)
    }

    /// How a deployment ends, before it is notified and recorded.
    package struct End: Sendable, Equatable {
        package var outcome: Deployment.Outcome
        package var exit: ExitStatus
        package var message: String
        package var audit: AuditAction
        package var event: DeploymentNotification.Event
        package var failedStage: Stage?
        package var nextStep: String?
    }

    /// `previous` is read again when a deploy claims the route: the serving release may have been
    /// restarted (new instances) while it built.
    package internal(set) var plan: Plan
    var phase: Phase = .ready
    /// What the deployment has learnt so far.
    var staged: StagedRelease?
    var release: Release?
    /// The instance the gate probes now; once every replica passed, the first (smoke tests and
    /// `SLIPWAY_URL` use it).
    var instance: Instance?
    /// The new release's instances in slot order, as they started (or the warm ones reused).
    var started: [Instance] = []
    /// When each of `started` started (the clock's reading): its gate's `start_timeout` counts from there.
    var startTimes: [Duration] = []
    /// How many of `started` have passed their gate.
    var gated = 0
    /// The check each replica's gate applies (a warm instance's: one probe).
    var gateCheck: HealthCheckConfig?
    var startedAt: Duration = .zero
    var gate: HealthGate?
    var replaced: [Upstream] = []
    var olderWarm: [Instance] = []
    var preparation = Preparation()
    var nextCheck = 0
    var nextSmokeTest = 0
    var nextPublishStep = 0
    var healthFailure: String?
    /// Why the new release failed after the switch, and in which stage (smoke or publish).
    var smokeFailure: String?
    var afterSwitchStage: Stage = .smoke
    var end: End?
    var canary: CanaryRollout?
    var blueGreen: BlueGreenRollout?
    var rolling: RollingRollout?
    /// The serving release's instances in the pool, as supervision reported them during a rollout
    /// (nil: all of them, as when the deployment began).
    var baselinePool: [Upstream]?
    var progress = RollingProgress()
    /// When the gate passed and the rollout began.
    var rolloutBeganAt: Duration = .zero
    var rolloutFailure: String?
    var rolloutFailedStage: Stage?
    /// Recreate: the serving release was stopped before the new one started.
    var recreated = false
    /// Recreate's way back: the previous release started again, its gate, and why it was needed.
    var restoring: Instance?
    /// Recreate's way back: the previous release's instances started again and gated so far.
    var restored: [Instance] = []
    var restoreGate: HealthGate?
    var restoreStage: Stage?
    var restoreReason: String?

    package init(_ plan: Plan) {
        self.plan = plan
    }

    /// Where the deployment is: the state names `docs/ARCHITECTURE.md` draws.
    package enum Phase: String, Sendable, Equatable, CaseIterable {
        case ready
        case validating
        case checking
        case preparing
        case publishing
        case recordingRelease = "recording_release"
        case probingWarm = "probing_warm"
        case starting
        case gating
        case failingHealth = "failing_health"
        /// Blue-green: smoke tests against the preview, before the rollout waits for its promotion.
        case smokingPreview = "smoking_preview"
        /// A canary's steps or blue-green's preview, until a promotion or an abort.
        case rollingOut = "rolling_out"
        /// The rollout stopped: traffic back on what served, the new release drained and stopped.
        case abortingRollout = "aborting_rollout"
        /// Recreate: new requests held, the serving release drained, then stopped.
        case recreating
        /// Recreate: the new release failed after the previous one stopped; that one starts again.
        case restoringPrevious = "restoring_previous"
        case switching
        case smoking
        /// A static site's `publish:` steps, after the smoke tests.
        case publishingSite = "publishing_site"
        case switchingBack = "switching_back"
        case draining
        case pruning
        case notifying
        case finished
    }

    package var currentPhase: Phase { phase }
    package var isFinished: Bool { phase == .finished }

    package mutating func handle(_ event: Event) -> [Action] {
        switch (phase, event) {
        case (.ready, .begin):
            switch plan.kind {
            case .deploy(let ref):
                phase = .validating
                return [.beginStage(.validate), .export(ref: ref)]
            case .promote(let source, _):
                phase = .validating
                return [.beginStage(.validate), .copyArtifact(source)]
            case .rollback(let target), .automaticRollback(let target, _, _):
                release = target
                return beginCutover()
            }
        case (.validating, _), (.checking, _), (.preparing, _), (.publishing, _), (.recordingRelease, _):
            return handlePreparation(event)
        case (.probingWarm, _), (.starting, _), (.gating, _), (.failingHealth, _), (.switching, _), (.smoking, _),
             (.publishingSite, _), (.switchingBack, _), (.draining, _):
            return handleCutover(event)
        case (.recreating, _), (.restoringPrevious, _):
            return handleRecreate(event)
        case (.smokingPreview, _), (.rollingOut, _), (.abortingRollout, _), (_, .rolloutCommand):
            return handleRollout(event)
        case (.pruning, _), (.notifying, _):
            return handleConclusion(event)
        case (.ready, _), (.finished, _):
            return []
        }
    }

    var id: String { plan.id }
    var service: ServiceConfig { plan.service }
    var isDeploy: Bool { plan.kind.isDeploy }
    /// "; release X still serves", for a failure before the switch.
    var stillServes: String { plan.previous.map { "; release \($0.releaseID) still serves" } ?? "" }
    /// How many instances the new release runs.
    var replicaCount: Int { max(1, service.delivery.replicas) }
    /// Where the new release's instances listen.
    var upstreams: [Upstream] { started.map(\.upstream) }
    /// The release that served when the deployment began, every instance of it.
    var previousUpstreams: [Upstream] { plan.previous?.instances.map(\.upstream) ?? [] }
}
