import Foundation
import SlipwayModel

/// The work inside a deployment's stages: one check, one smoke test, a command, pruning, a switch
/// back, a notification.
extension DeploymentRunner {
    /// One pre-deploy check in the exported release's files (`directory`). Returns why it failed, nil when it passed.
    func runCheck(_ check: CheckConfig, in directory: String, release: Release, recorder: DeploymentRecorder) async -> String? {
        switch check.kind {
        case .command(let command):
            await runCommand(command, named: "check \"\(check.name)\"", in: directory,
                             environment: releaseEnvironment(release), timeout: check.timeout, recorder: recorder)
        case .coverage(let report, let minimum):
            coverageFailure(report: directory + "/" + report, name: report, minimum: minimum, recorder: recorder)
        }
    }

    private func coverageFailure(report path: String, name: String, minimum: Double, recorder: DeploymentRecorder) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return "coverage report \(name) was not written by the checks"
        }
        guard let coverage = CoverageReport.lineCoverage(text) else {
            return "coverage report \(name) is neither lcov nor Cobertura XML"
        }
        let measured = String(format: "%.1f%%", coverage)
        recorder.log("line coverage \(measured) (minimum \(String(format: "%g%%", minimum)))")
        return coverage + 1e-9 < minimum ? "line coverage \(measured) is below the minimum \(String(format: "%g%%", minimum))" : nil
    }

    /// Runs one pipeline command, its output into the deployment's log. Returns why it failed, nil on success.
    func runCommand(_ command: String, named name: String, in directory: String, environment: [String: String],
                    timeout: Duration, recorder: DeploymentRecorder) async -> String? {
        guard let runner = deps.runner else { return "\(name) cannot run: no command runner is configured" }
        recorder.log("$ \(command)")
        do {
            let outcome = try await runner.run(command, in: directory, environment: environment, timeout: timeout,
                                               log: { recorder.log($0) })
            if outcome.timedOut {
                return "\(name) timed out after \(DurationText.format(timeout)); its process group was killed"
            }
            if let status = outcome.status, status != 0 { return "\(name) failed: \(command) exited with status \(status)" }
            if outcome.status == nil { return "\(name) failed: \(command) was killed by a signal" }
            return nil
        } catch {
            return "\(name) could not start: \(describe(error))"
        }
    }

    func releaseEnvironment(_ release: Release) -> [String: String] {
        ["SLIPWAY_SERVICE": release.service, "SLIPWAY_RELEASE": release.id, "SLIPWAY_VERSION": release.version,
         "SLIPWAY_COMMIT": release.commit]
    }

    /// One smoke test against the new release after the switch. Returns why it failed, nil when it passed.
    func runSmokeTest(_ test: SmokeTestConfig, release: Release, instance: Instance, recorder: DeploymentRecorder) async -> String? {
        switch test.kind {
        case .http(let path, let expect):
            let check = HealthCheckConfig(path: path, timeout: test.timeout, expect: expect)
            let result = await deps.probe.probe(instance.upstream, check: check)
            recorder.log("smoke GET \(path): \(result.healthy ? "passed" : "failed"): \(result.summary)")
            return result.healthy ? nil : "smoke test GET \(path) failed: \(result.summary)"
        case .command(let command):
            var environment = releaseEnvironment(release)
            // A static site has no address of its own: the script gets its files.
            if let site = instance.site {
                environment["SLIPWAY_STATIC_ROOT"] = site.root
            } else {
                environment["SLIPWAY_URL"] = "http://\(instance.upstream)"
            }
            return await runCommand(command, named: "smoke test \"\(command)\"", in: release.directory,
                                    environment: environment, timeout: test.timeout, recorder: recorder)
        }
    }

    /// One `publish:` step of a static site after its switch. Returns why it failed (naming the
    /// step), nil when it passed.
    func runPublishStep(_ step: PublishStep, of service: ServiceConfig, release: Release, instance: Instance,
                        recorder: DeploymentRecorder) async -> String? {
        let position = (service.publish.firstIndex(of: step) ?? 0) + 1
        switch step.kind {
        case .command(let command):
            var environment = service.env.merging(releaseEnvironment(release)) { _, release in release }
            environment["SLIPWAY_STATIC_ROOT"] = instance.site?.root ?? release.directory
            return await runCommand(command, named: "publish step \(position) \"\(command)\"", in: release.directory,
                                    environment: environment, timeout: step.timeout, recorder: recorder)
        case .purge(let url, let method, let headers):
            guard let purger = deps.purger else { return "publish step \(position) (\(step.name)) cannot run: no HTTP client is configured" }
            recorder.log("\(method) \(url)")
            let sent = headers.map { HeaderField(name: $0.name, value: step.sent($0.value)) }
            if let failure = await purger.send(method: method, url: step.sent(url), headers: sent, timeout: step.timeout) {
                return "publish step \(position) (\(step.name)) failed: \(failure)"
            }
            recorder.log("publish step \(position) (\(step.name)): answered 2xx")
            return nil
        }
    }

    /// Sends a notification and records its deliveries. Never fails the deployment.
    func notify(_ event: DeploymentNotification.Event, _ recorder: DeploymentRecorder, failedStage: Stage? = nil,
                nextStep: String? = nil) async {
        let deliveries = await deps.notifier.notify(DeploymentNotification(
            event: event, deployment: recorder.deployment, failedStage: failedStage, nextStep: nextStep))
        guard !deliveries.isEmpty else { return }
        recorder.update { $0.notifications.append(contentsOf: deliveries) }
        for delivery in deliveries {
            recorder.log("notify \(delivery.channel) \(delivery.event.rawValue): "
                + (delivery.delivered ? "delivered" : "not delivered after \(delivery.attempts) attempt(s): \(delivery.error ?? "?")"))
        }
    }

    /// Deletes releases beyond `retain`, never the active one, the one it replaced or the warm one.
    func prune(_ service: ServiceConfig) async -> DeploymentMachine.Event {
        do {
            let releases = try await deps.store.releases(service: service.key)
            let active = await table.active(service.key)
            let protected = Set([active?.releaseID, active?.previousReleaseID, active?.warm?.releaseID].compactMap { $0 })
            let doomed = RetentionPolicy(retain: service.retain).releasesToPrune(releases, protecting: protected)
            for release in doomed {
                try await deps.builder.remove(release)
                try await deps.store.deleteRelease(service: service.key, id: release.id)
            }
            return .pruned(removed: doomed.map(\.id), retained: releases.count)
        } catch {
            return .pruneFailed(describe(error))
        }
    }

    /// Undoes a switch: traffic back to the replaced upstream (none on a first deploy), the previous
    /// release active again in the record and the controller's view.
    func switchBack(_ service: ServiceConfig, to upstreams: [Upstream], previous: ActiveRelease?,
                            recorder: DeploymentRecorder) async {
        await deps.router.route(service: service.key, to: service.backends(upstreams))
        do {
            if let previous { try await deps.store.setActive(previous) } else { try await deps.store.clearActive(service: service.key) }
        } catch {
            recorder.log("warning: could not record the active release: \(error)")
        }
        await table.switchedBack(service.key, to: previous)
    }
}
