import Foundation
import Hummingbird
import NIOCore
import SlipwayCore
import SlipwayModel

/// The daemon's HTTP API (docs/API.md), served on `.slipway/slipway.sock`.
struct APIRoutes: Sendable {
    let controller: DeploymentController
    let queue: DeploymentQueue
    /// Hides secrets in the errors a deployment stream ends with (`refused`).
    let redactor: Redactor
    /// The address each environment's proxy is bound to (with its real port when the config says
    /// port 0), in the file's order.
    let proxyAddresses: @Sendable () async -> [(environment: String, address: SocketAddressSpec)]

    func register(on router: Router<BasicRequestContext>) {
        let api = router.group("v1")
        api.get("status") { _, _ in
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
            return try json(status)
        }
        api.post("deployments") { request, context in
            let body = try await decode(DeployRequest.self, request, context)
            return stream { emit in
                do {
                    let record = try await controller.deploy(body, emit: emit)
                    emit(DeploymentEvent(event: .finished, deploymentID: record.id, deployment: record))
                } catch {
                    emit(DeploymentEvent(event: .refused, error: apiError(error, redactor: redactor)))
                }
            }
        }
        api.post("rollbacks") { request, context in
            let body = try await decode(RollbackRequest.self, request, context)
            return stream { emit in
                do {
                    let record = try await controller.rollback(body, emit: emit)
                    emit(DeploymentEvent(event: .finished, deploymentID: record.id, deployment: record))
                } catch {
                    emit(DeploymentEvent(event: .refused, error: apiError(error, redactor: redactor)))
                }
            }
        }
        api.post("plans") { request, context in
            let body = try await decode(RunRequest.self, request, context)
            return try await json(controller.plan(body))
        }
        api.post("runs") { request, context in
            let body = try await decode(RunRequest.self, request, context)
            return stream { emit in
                do {
                    let summary = try await controller.run(body, emit: emit)
                    emit(DeploymentEvent(event: .summary, summary: summary))
                } catch {
                    emit(DeploymentEvent(event: .refused, error: apiError(error, redactor: redactor)))
                }
            }
        }
        api.get("deployments") { request, _ in
            let service = request.uri.queryParameters["service"].map(String.init)
            let limit = try request.count("limit", default: 20, maximum: 1000)
            return try await json(controller.history(service: service, environment: request.environment, limit: limit))
        }
        api.get("deployments/:id") { _, context in
            try await json(controller.deployment(id: context.parameters.require("id")))
        }
        api.get("deployments/:id/logs") { _, context in
            let text = try await controller.logs(deployment: context.parameters.require("id"))
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        api.get("services/:name/output") { request, context in
            let lines = try request.count("lines", default: 100, maximum: 100_000)
            let text = try await controller.output(service: context.parameters.require("name"), environment: request.environment,
                                                   lines: lines)
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        api.post("deployments/:id/approvals") { request, context in
            let body = try await decode(ApprovalRequest.self, request, context)
            return try await json(controller.approve(context.parameters.require("id"), body))
        }
        api.post("deployments/:id/rejections") { request, context in
            let body = try await decode(ApprovalRequest.self, request, context)
            return try await json(controller.reject(context.parameters.require("id"), body))
        }
        api.get("freezes") { _, _ in
            try await json(controller.freezes())
        }
        api.post("freezes") { request, context in
            let body = try await decode(FreezeRequest.self, request, context)
            return try await json(controller.freeze(body))
        }
        api.delete("freezes/:environment") { request, context in
            let actor = request.uri.queryParameters["actor"].map(String.init) ?? "unknown"
            try await controller.unfreeze(environment: context.parameters.require("environment"), actor: actor)
            return Response(status: .noContent)
        }
        api.get("audit") { request, _ in
            let service = request.uri.queryParameters["service"].map(String.init)
            let limit = try request.count("limit", default: 100, maximum: 10_000)
            return try await json(controller.auditTrail(service: service, environment: request.environment, limit: limit))
        }
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

func json<T: Encodable>(_ value: T) throws -> Response {
    Response(status: .ok, headers: [.contentType: "application/json"],
             body: ResponseBody(byteBuffer: ByteBuffer(data: try APICoding.encoder().encode(value))))
}
