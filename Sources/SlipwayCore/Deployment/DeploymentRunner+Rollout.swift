import Foundation
import SlipwayModel

/// The rollout's actions on the proxy, the clock and the record: weights and the preview as
/// `Backends`, analysis windows as differences of the proxy's per-release counters, wakes as side
/// tasks that post `rolloutTimer`, and the answers to people's commands through `RolloutDesk`.
extension DeploymentRunner {
    /// Performs one rollout action; the event it answers with, nil for one that answers nothing now.
    func performRollout(_ action: DeploymentMachine.Action, plan: DeploymentMachine.Plan, recorder: DeploymentRecorder,
                        side: SideWork, group: inout TaskGroup<Void>) async -> DeploymentMachine.Event? {
        let service = plan.service
        let baselineID = plan.previous?.releaseID
        switch action {
        case .routeSplit(let canary, let baseline, let weight):
            guard let canaryID = canary.first?.releaseID else { break }
            await deps.router.route(service: service.key, to: split(service, canary: canary, baseline: baseline, weight: weight))
            recorder.log(baselineID == nil ? "release \(canaryID) takes every request: there is no release to compare it with"
                         : "release \(canaryID) takes \(weight)% of requests, release \(baselineID!) the rest")
        case .routePreview(let preview, let baseline):
            guard let previewID = preview.first?.releaseID else { break }
            var releases = baselineID.map { [ReleaseBackends(releaseID: $0, upstreams: baseline, weight: 100)] } ?? []
            releases.append(ReleaseBackends(releaseID: previewID, upstreams: preview, weight: 0, preview: true))
            let route = service.delivery.blueGreen?.preview
            await deps.router.route(service: service.key, to: Backends(releases: releases, balance: service.delivery.balance,
                                                                      sticky: service.delivery.sticky, preview: route))
            recorder.log("release \(previewID) is reachable on its preview ("
                + [route?.host.map { "host \($0)" }, route?.header.map { "header \($0.name): \($0.value)" }]
                    .compactMap { $0 }.joined(separator: ", ") + "); production stays on "
                + (baselineID.map { "release \($0)" } ?? "nothing, as before"))
        case .routeBaseline(let baseline):
            await deps.router.route(service: service.key, to: service.backends(baseline))
        case .openWindow:
            let counted = await deps.router.releaseStatistics(of: service.key)
            side.window.withLock { $0 = counted }
        case .collectWindow(let canaryID):
            let counted = await deps.router.releaseStatistics(of: service.key)
            let opened = side.window.withLock { $0 }
            func since(_ release: String) -> WindowStats {
                counted[release, default: WindowStats()].since(opened[release, default: WindowStats()])
            }
            let baselineStats = baselineID.map { since($0) }
            return .windowCollected(canary: since(canaryID), baseline: baselineStats?.requests == 0 ? nil : baselineStats,
                                    at: deps.clock.now)
        case .wake(let at):
            let clock = deps.clock
            group.addTask {
                let delay = at - clock.now
                if delay > .zero {
                    do { try await clock.sleep(for: delay) } catch { return }
                }
                side.post(.rolloutTimer(at: clock.now))
            }
        case .runRolloutCheck(let context, let release):
            guard let command = service.delivery.canary.run else {
                return .rolloutCheckFinished(passed: true, summary: "no check to run", at: deps.clock.now)
            }
            var environment = releaseEnvironment(release)
            environment["SLIPWAY_ROLLOUT_STEP"] = String(context.step + 1)
            environment["SLIPWAY_ROLLOUT_WEIGHT"] = String(context.weight)
            environment["SLIPWAY_ROLLOUT_VERDICT"] = context.verdict.reason
            environment["SLIPWAY_URL"] = recorder.deployment.instance.map { "http://\($0.upstream)" }
            let failure = await runCommand(command, named: "canary check \"\(command)\"", in: release.directory,
                                           environment: environment, timeout: service.delivery.canary.interval * 6, recorder: recorder)
            return .rolloutCheckFinished(passed: failure == nil, summary: failure ?? "passed", at: deps.clock.now)
        case .recordRolloutStep(let result, let canary):
            let step = stepRecord(result, canary: canary, baseline: baselineID)
            recorder.update { deployment in
                deployment.rollout = deployment.rollout ?? RolloutRecord(strategy: service.delivery.strategy)
                deployment.rollout?.steps.append(step)
            }
            recorder.log("step \(result.index + 1) at \(result.weight)%: "
                + (result.verdict.map { "\($0.decision.rawValue): \($0.reason)" } ?? "") + (result.note.map { " (\($0))" } ?? ""))
            // Each step is on the record as soon as it ends: a rollout can last hours.
            await recorder.persist()
        case .answerRollout(let id, let refusal):
            await rollouts.answer(id, refusal: refusal)
        default:
            break
        }
        return nil
    }

    /// The canary's share beside the release that served; the canary alone when none did.
    private func split(_ service: ServiceConfig, canary: [Upstream], baseline: [Upstream], weight: Int) -> Backends? {
        guard let baselineID = baseline.first?.releaseID, let canaryID = canary.first?.releaseID else { return service.backends(canary) }
        return Backends(releases: [ReleaseBackends(releaseID: baselineID, upstreams: baseline, weight: 100 - weight),
                                   ReleaseBackends(releaseID: canaryID, upstreams: canary, weight: weight)],
                        balance: service.delivery.balance, sticky: service.delivery.sticky)
    }

    /// A machine's step, with wall-clock times and each side's figures for people.
    private func stepRecord(_ result: RolloutStepResult, canary: String, baseline: String?) -> RolloutStepRecord {
        RolloutStepRecord(index: result.index, weight: result.weight, startedAt: deps.date(of: result.startedAt),
                          endedAt: deps.date(of: result.endedAt),
                          canary: result.canary.map { ReleaseFigures(release: canary, $0) },
                          baseline: result.baseline.map { ReleaseFigures(release: baseline ?? "", $0) },
                          verdict: result.verdict, note: result.note)
    }
}
