import Foundation
import Hummingbird
import NIOCore
import SlipwayCore
import SlipwayModel
import SlipwayProxy

/// The daemon's HTTP API (docs/API.md), served on `.slipway/slipway.sock` and, with `api:`, on TCP.
/// Every route is registered through its `APIEndpoint`, which says the role it needs; the actor of
/// what it records is the caller the transport's middleware established, never a field of the body.
struct APIRoutes: Sendable {
    let controller: DeploymentController
    let queue: DeploymentQueue
    let access: APIAccess
    /// `POST /v1/hooks/github`, authenticated by its signature.
    let webhook: GitHubWebhook
    /// Hides secrets in the errors a deployment stream ends with (`refused`).
    let redactor: Redactor
    /// The address each environment's proxy is bound to (with its real port when the config says
    /// port 0), in the file's order.
    let proxyAddresses: @Sendable () async -> [(environment: String, address: SocketAddressSpec)]
    /// What each environment's proxy process has counted per upstream (`/metrics`).
    let proxyStatistics: @Sendable () async -> [(environment: String, upstreams: [UpstreamStatistics])]

    func register(on router: Router<APIRequestContext>) {
        let api = router.group(RouterPath(API.version))
        on(api, .status) { _, _, _ in try json(try await status()) }
        on(api, .deploy) { request, context, caller in
            var decoded = try await decode(DeployRequest.self, request, context)
            decoded.actor = caller.name
            let body = decoded
            return stream { emit in
                do {
                    let record = try await controller.deploy(body, emit: emit)
                    emit(DeploymentEvent(event: .finished, deploymentID: record.id, deployment: record))
                } catch {
                    emit(DeploymentEvent(event: .refused, error: apiError(error, redactor: redactor)))
                }
            }
        }
        on(api, .promote) { request, context, caller in
            var body = try await decode(PromoteRequest.self, request, context)
            body.actor = caller.name
            let promotion = body
            return stream { emit in
                do {
                    let record = try await controller.promote(promotion, emit: emit)
                    emit(DeploymentEvent(event: .finished, deploymentID: record.id, deployment: record))
                } catch {
                    emit(DeploymentEvent(event: .refused, error: apiError(error, redactor: redactor)))
                }
            }
        }
        on(api, .rollback) { request, context, caller in
            var decoded = try await decode(RollbackRequest.self, request, context)
            decoded.actor = caller.name
            // Past the rollback window only an admin decides (checked before the stream begins).
            if decoded.override == true, !caller.may(.admin) {
                try await access.refuse(caller, "--override (a rollback past its window)", needs: .admin)
            }
            let body = decoded
            return stream { emit in
                do {
                    let record = try await controller.rollback(body, emit: emit)
                    emit(DeploymentEvent(event: .finished, deploymentID: record.id, deployment: record))
                } catch {
                    emit(DeploymentEvent(event: .refused, error: apiError(error, redactor: redactor)))
                }
            }
        }
        on(api, .plan) { request, context, caller in
            var decoded = try await decode(RunRequest.self, request, context)
            decoded.actor = caller.name
            let body = decoded
            return try await json(controller.plan(body))
        }
        on(api, .run) { request, context, caller in
            var decoded = try await decode(RunRequest.self, request, context)
            decoded.actor = caller.name
            let body = decoded
            return stream { emit in
                do {
                    let summary = try await controller.run(body, emit: emit)
                    emit(DeploymentEvent(event: .summary, summary: summary))
                } catch {
                    emit(DeploymentEvent(event: .refused, error: apiError(error, redactor: redactor)))
                }
            }
        }
        on(api, .history) { request, _, _ in
            let service = request.uri.queryParameters["service"].map(String.init)
            let limit = try request.count("limit", default: 20, maximum: 1000)
            return try await json(controller.history(service: service, environment: request.environment, limit: limit))
        }
        on(api, .deployment) { _, context, _ in
            try await json(controller.deployment(id: context.parameters.require("id")))
        }
        on(api, .deploymentLogs) { _, context, _ in
            let text = try await controller.logs(deployment: context.parameters.require("id"))
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        on(api, .serviceOutput) { request, context, _ in
            let lines = try request.count("lines", default: 100, maximum: 100_000)
            let text = try await controller.output(service: context.parameters.require("name"), environment: request.environment,
                                                   lines: lines)
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        on(api, .approve) { request, context, caller in
            var body = try await decode(ApprovalRequest.self, request, context)
            body.actor = caller.name
            return try await json(controller.approve(context.parameters.require("id"), body))
        }
        on(api, .reject) { request, context, caller in
            var body = try await decode(ApprovalRequest.self, request, context)
            body.actor = caller.name
            return try await json(controller.reject(context.parameters.require("id"), body))
        }
        on(api, .listFreezes) { _, _, _ in
            try await json(controller.freezes())
        }
        on(api, .freeze) { request, context, caller in
            var body = try await decode(FreezeRequest.self, request, context)
            body.actor = caller.name
            return try await json(controller.freeze(body))
        }
        on(api, .unfreeze) { _, context, caller in
            try await controller.unfreeze(environment: context.parameters.require("environment"), actor: caller.name)
            return Response(status: .noContent)
        }
        for (endpoint, change) in [(APIEndpoint.proxyPause, TrafficControlChange.pause), (.proxyResume, .resume),
                                   (.proxyMaintenance, .maintenance), (.proxyLive, .live)] {
            on(api, endpoint) { request, context, caller in
                var body = try await decode(TrafficControlRequest.self, request, context)
                body.actor = caller.name
                return try await json(controller.changeTraffic(change, body))
            }
        }
        on(api, .rolloutStatus) { request, context, _ in
            try await json(controller.rolloutStatus(service: context.parameters.require("service"), environment: request.environment))
        }
        for (endpoint, command) in [(APIEndpoint.rolloutPause, RolloutCommand.pause), (.rolloutResume, .resume),
                                    (.rolloutPromote, .promote), (.rolloutPromoteSkippingAnalysis, .promoteSkippingAnalysis),
                                    (.rolloutAbort, .abort)] {
            on(api, endpoint) { request, context, caller in
                var body = try await decode(RolloutCommandRequest.self, request, context)
                body.service = try context.parameters.require("service")
                body.actor = caller.name
                return try await json(controller.commandRollout(command, body))
            }
        }
        on(api, .audit) { request, _, _ in
            let service = request.uri.queryParameters["service"].map(String.init)
            let limit = try request.count("limit", default: 100, maximum: 10_000)
            return try await json(controller.auditTrail(service: service, environment: request.environment, limit: limit))
        }
        on(api, .listTokens) { _, _, _ in
            try await json(access.list())
        }
        on(api, .createToken) { request, context, caller in
            let body = try await decode(TokenCreateRequest.self, request, context)
            return try await json(access.create(body, by: caller), status: .created)
        }
        on(api, .revokeToken) { _, context, caller in
            try await json(access.revoke(name: context.parameters.require("name"), by: caller))
        }
        onSigned(api, .githubHook) { request, context in
            try await webhook.handle(request, context)
        }
        on(router.group(), .metrics) { _, _, _ in
            let text = MetricsText.render(.init(status: try await controller.status(), proxies: await proxyStatistics(),
                                                totals: try await controller.deploymentTotals()))
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
    }

    /// The daemon's status, each environment's proxy with the address it is bound to.
    func status() async throws -> StatusResponse {
        var status = try await controller.status()
        let bound = await proxyAddresses()
        if let first = bound.first { status.proxy = first.address.description }
        status.environments = status.environments?.map { environment in
            var environment = environment
            if let address = bound.first(where: { $0.environment == environment.name })?.address {
                environment.proxy = address.description
            }
            return environment
        }
        return status
    }

    /// Registers `endpoint`: its handler runs only for a caller whose role is at least the endpoint's.
    private func on(_ group: RouterGroup<APIRequestContext>, _ endpoint: APIEndpoint,
                    _ handler: @escaping @Sendable (Request, APIRequestContext, Caller) async throws -> Response) {
        precondition(endpoint.role != nil, "\(endpoint.described) is authenticated by its signature: register it with onSigned")
        group.on(RouterPath(endpoint.path), method: endpoint.method) { [access] request, context in
            let caller = try await access.authorize(context.caller, for: endpoint)
            return try await handler(request, context, caller)
        }
    }

    /// Registers `endpoint`, whose signature is its credential: its handler verifies it before
    /// anything else, with no caller (the bearer middleware let it pass for that reason alone).
    private func onSigned(_ group: RouterGroup<APIRequestContext>, _ endpoint: APIEndpoint,
                          _ handler: @escaping @Sendable (Request, APIRequestContext) async throws -> Response) {
        precondition(endpoint.access == .signature, "\(endpoint.described) needs a role: register it with on")
        group.on(RouterPath(endpoint.path), method: endpoint.method, use: handler)
    }

    /// Newline-delimited JSON: one `DeploymentEvent` per line, flushed as it happens.
    private func stream(_ work: @escaping DeploymentQueue.Work) -> Response {
        let events = queue.run(work)
        return Response(status: .ok, headers: [.contentType: "application/x-ndjson"],
                        body: ResponseBody { writer in
                            let encoder = APICoding.encoder()
                            for await event in events {
                                var line = ByteBuffer(data: try encoder.encode(event))
                                line.writeString("\n")
                                // A client that went away must not stop the deployment: stop writing, keep draining.
                                do { try await writer.write(line) } catch { continue }
                            }
                            try? await writer.finish(nil)
                        })
    }
}

func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
    Response(status: status, headers: [.contentType: "application/json"],
             body: ResponseBody(byteBuffer: ByteBuffer(data: try APICoding.encoder().encode(value))))
}
