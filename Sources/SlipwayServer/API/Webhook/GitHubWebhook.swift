import Foundation
import Hummingbird
import NIOCore
import SlipwayCore
import SlipwayGit
import SlipwayModel

/// `POST /v1/hooks/github`: GitHub's webhook. The signature over the raw body is the credential
/// (no bearer token); a verified `push` is routed by `PushRouting`, as the post-receive hook's
/// pushes are, and its runs start in the daemon's task group. The answer names them and comes at
/// once: GitHub gives up after 10 s, and a deployment takes longer.
struct GitHubWebhook: Sendable {
    /// nil without `github:` in slipway.yml: every delivery is refused.
    let signature: GitHubSignature?
    let deliveries: any WebhookDeliveries
    /// Where a pushed commit must be, fetched from `origin` when it is not.
    let objects: PushedObjects
    let config: ProjectConfig
    let controller: DeploymentController
    let queue: DeploymentQueue
    /// Hides secrets in the refusals a run answers with.
    let redactor: Redactor
    let audit: @Sendable (AuditEntry) async -> Void
    let now: @Sendable () -> Date
    /// How long the answer waits for the first deployments' ids.
    var settle: Duration = .seconds(3)

    /// GitHub's own limit on a payload.
    static let maximumBody = 25 << 20

    func handle(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let event = Self.header(request, "X-GitHub-Event") ?? "(none)"
        let delivery = Self.header(request, "X-GitHub-Delivery")
        let from = "\(APIEndpoint.githubHook.described) from \(context.remoteAddress) (delivery \(delivery ?? "(none)"), event \(event))"
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maximumBody)
        } catch is NIOTooManyBytesError {
            return await refuse(.contentTooLarge, .badRequest, from, "a body over 25 MB",
                                message: "the body is larger than 25 MB, GitHub's own limit on a delivery")
        }
        guard let signature else {
            return await refuse(.unauthorized, .unauthenticated, from, "no github: secret_file is configured",
                                message: "this daemon has no webhook secret: add github: { secret_file: FILE } to slipway.yml "
                                    + "and restart it; every delivery is refused until then")
        }
        let bytes = Data(body.readableBytesView)
        switch signature.verify(Self.header(request, "X-Hub-Signature-256"), body: bytes) {
        case .valid:
            break
        case .missing:
            return await refuse(.unauthorized, .unauthenticated, from, "no X-Hub-Signature-256",
                                message: "no X-Hub-Signature-256: set the webhook's secret in GitHub to the one in the secret file")
        case .malformed, .mismatch:
            return await refuse(.unauthorized, .unauthenticated, from, "a signature that does not match the body",
                                message: "X-Hub-Signature-256 does not match the body: the webhook's secret in GitHub "
                                    + "differs from the one in the secret file")
        }
        // Verified: what follows is GitHub speaking.
        switch event {
        case "ping":
            await record(.webhookReceived, actor: "github", "ping (delivery \(delivery ?? "(none)")): the webhook reaches this daemon")
            return try json(WebhookAnswer(event: event, delivery: delivery, message: "pong: the signature verified", pong: true))
        case "push":
            return try await push(bytes, delivery: delivery, from: from)
        default:
            await record(.webhookReceived, actor: "github", "\(event) (delivery \(delivery ?? "(none)")): not a push, ignored")
            return try json(WebhookAnswer(event: event, delivery: delivery,
                                          message: "\(event) events deploy nothing: only push is acted on", ignored: true))
        }
    }

    private func push(_ body: Data, delivery: String?, from: String) async throws -> Response {
        let push: GitHubPush
        do {
            push = try GitHubPush.parse(body)
        } catch let error as SlipwayError {
            return await refuse(.badRequest, .badRequest, from, "a push event that is not one", message: error.message)
        }
        guard let delivery else {
            return await refuse(.badRequest, .badRequest, from, "no X-GitHub-Delivery",
                                message: "no X-GitHub-Delivery: a push needs its delivery id (so that it never runs twice)")
        }
        let actor = push.actor
        let said = "push of \(push.ref) \(push.after.prefix(7)) (delivery \(delivery))"
        guard try await deliveries.claimDelivery(id: delivery, event: "push", at: now()) else {
            await record(.webhookReceived, actor: actor, "\(said): received before, not run again")
            return try json(WebhookAnswer(event: "push", delivery: delivery,
                                          message: "delivery \(delivery) was received before: nothing was run again", duplicate: true))
        }
        let routed = PushRouting.route(push.update, environments: await environments(), actor: actor)
        guard !routed.runs.isEmpty else {
            let why = routed.nothing ?? "nothing deployed"
            await record(.webhookReceived, actor: actor, "\(said): \(why)")
            return try json(WebhookAnswer(event: "push", delivery: delivery, message: why))
        }
        do {
            _ = try await objects.ensurePresent(push.update)
        } catch {
            // Nothing started: GitHub's "Redeliver" may run it once the commit is reachable.
            try? await deliveries.releaseDelivery(id: delivery)
            let refusal = (error as? SlipwayError) ?? SlipwayError(.refNotFound, "cannot tell whether \(push.after) is here: \(error)")
            return await refuse(.unprocessableContent, refusal.code, from, "the pushed commit is missing: \(refusal.message)",
                                message: refusal.message, actor: actor)
        }
        let started = routed.runs.map { run in (run, queue.run { emit in
            do {
                let summary = try await controller.run(run, emit: emit)
                emit(DeploymentEvent(event: .summary, summary: summary))
            } catch {
                emit(DeploymentEvent(event: .refused, error: apiError(error, redactor: redactor)))
            }
        }) }
        let deadline = ContinuousClock.now + settle
        var runs: [WebhookRun] = []
        for (run, events) in started {
            runs.append(await Self.firstEvents(of: events, until: deadline,
                                               run: WebhookRun(environment: run.environment ?? ServiceKey.defaultEnvironment, ref: run.to)))
        }
        let described = runs.map { run in
            if let error = run.error { return "\(run.environment): refused: \(error.message)" }
            let services = run.plan.map { $0.waves.flatMap { $0.map(\.service) } } ?? []
            return "\(run.environment): " + (services.isEmpty ? "no service changed" : services.joined(separator: ", "))
                + (run.deployments.isEmpty ? "" : " (\(run.deployments.joined(separator: ", ")))")
        }.joined(separator: "; ")
        await record(.webhookReceived, actor: actor, "\(said): \(described)")
        let anyStarted = runs.contains { $0.error == nil }
        return try json(WebhookAnswer(event: "push", delivery: delivery, message: "\(push.ref): \(described)", runs: runs),
                        status: anyStarted ? .accepted : .ok)
    }

    /// The environments pushes route to. Without `environments:`, the one default environment
    /// takes pushes to the branch checked out in the repository (as `slipway hook install` does).
    private func environments() async -> [EnvironmentConfig] {
        guard !config.declaresEnvironments else { return config.environments }
        var environment = config.environments[0]
        environment.branch = await objects.checkedOutBranch()
        return [environment]
    }

    /// A run's plan and its first deployments' ids, as far as they come before `deadline`; the
    /// run goes on in the daemon's task group either way.
    static func firstEvents(of events: AsyncStream<DeploymentEvent>, until deadline: ContinuousClock.Instant,
                            run: WebhookRun) async -> WebhookRun {
        await withTaskGroup(of: WebhookRun?.self) { group in
            group.addTask {
                var run = run
                var waiting: Set<String> = []
                for await event in events {
                    switch event.event {
                    case .plan:
                        run.plan = event.plan
                        waiting = Set(event.plan?.waves.first?.map(\.service) ?? [])
                        if waiting.isEmpty { return run }
                    case .accepted:
                        if let id = event.deploymentID { run.deployments.append(id) }
                        if let service = event.service { waiting.remove(service) }
                        if waiting.isEmpty { return run }
                    case .refused:
                        if let service = event.service { waiting.remove(service) } else { run.error = event.error; return run }
                        if waiting.isEmpty { return run }
                    case .summary:
                        for result in event.summary?.results ?? [] where result.deploymentID.map({ !run.deployments.contains($0) }) ?? false {
                            run.deployments.append(result.deploymentID!)
                        }
                        return run
                    case .stage, .log, .finished:
                        continue
                    }
                }
                return run
            }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            if let first { return first }
            // The deadline came first: the collecting task ends on cancellation with what it has.
            for await result in group { if let result { return result } }
            return run
        }
    }

    private func refuse(_ status: HTTPResponse.Status, _ code: SlipwayError.Code, _ from: String, _ why: String,
                        message: String, actor: String = "github") async -> Response {
        await record(.webhookRefused, actor: actor, "\(from) refused: \(why)")
        let error = APIError(code: code, message: message, exitCode: ExitStatus.forError(code))
        return (try? errorResponse(status, error)) ?? Response(status: status)
    }

    private func record(_ action: AuditAction, actor: String, _ detail: String) async {
        await audit(AuditEntry(at: now(), actor: actor, action: action, detail: detail))
    }

    /// A header's value, at most 200 characters of printable ASCII (it reaches the audit trail).
    static func header(_ request: Request, _ name: String) -> String? {
        let canonical = name.lowercased()
        guard let value = request.headers.first(where: { $0.name.canonicalName == canonical })?.value, !value.isEmpty else { return nil }
        let printable = value.unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 && $0.value != 0x7f }
        var kept = String.UnicodeScalarView()
        kept.append(contentsOf: printable.prefix(200))
        return String(kept)
    }
}
