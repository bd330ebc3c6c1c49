import AsyncHTTPClient
import Foundation
import NIOCore
import SlipwayModel

/// The container endpoints Slipway uses. Each throws `EngineError` for an error status and
/// `SlipwayError(.dockerUnavailable)` when the engine cannot be reached.
extension DockerEngine {
    func createContainer(name: String, spec: ContainerSpec) async throws -> CreatedContainer {
        var request = EngineRequest(.post, "/containers/create", query: [("name", name)])
        request.body = try Self.jsonBody(spec)
        request.contentType = "application/json"
        return try await json(request, as: CreatedContainer.self)
    }

    /// Starting a running container is not an error (304).
    func startContainer(_ id: String) async throws {
        do {
            _ = try await data(EngineRequest(.post, "/containers/\(id)/start"))
        } catch let error as EngineError where error.isNotModified {
            return
        }
    }

    /// Nil when there is no such container.
    func inspectContainer(_ id: String) async throws -> ContainerDetails? {
        do {
            return try await json(EngineRequest(.get, "/containers/\(id)/json"), as: ContainerDetails.self)
        } catch let error as EngineError where error.isNotFound {
            return nil
        }
    }

    /// The stop signal (SIGTERM unless the image sets STOPSIGNAL), then SIGKILL after `timeout`;
    /// returns once the container has stopped. Stopped or absent is not an error.
    func stopContainer(_ id: String, timeout: Duration) async throws {
        let seconds = Self.seconds(timeout)
        var request = EngineRequest(.post, "/containers/\(id)/stop", query: [("t", String(seconds))])
        // The engine answers after the container is gone: the stop timeout plus its own work.
        request.timeout = timeout + DockerEngine.requestTimeout
        do {
            _ = try await data(request)
        } catch let error as EngineError where error.isNotModified || error.isNotFound {
            return
        }
    }

    /// Sends a signal to the container's main process, as `docker kill` does.
    func killContainer(_ id: String, signal: String = "KILL") async throws {
        _ = try await data(EngineRequest(.post, "/containers/\(id)/kill", query: [("signal", signal)]))
    }

    /// Removes a container and its anonymous volumes (never named ones); absent is not an error.
    func removeContainer(_ id: String, force: Bool) async throws {
        let request = EngineRequest(.delete, "/containers/\(id)", query: [("v", "1"), ("force", force ? "1" : "0")])
        do {
            _ = try await data(request)
        } catch let error as EngineError where error.isNotFound {
            return
        }
    }

    /// Containers carrying every one of `labels` (`key` or `key=value`); stopped ones too with `all`.
    func listContainers(labels: [String], all: Bool) async throws -> [ContainerSummary] {
        let filters = try Self.filters(["label": labels])
        let request = EngineRequest(.get, "/containers/json", query: [("all", all ? "1" : "0"), ("filters", filters)])
        return try await json(request, as: [ContainerSummary].self)
    }

    /// Hands the container's output to `output`, demultiplexed (no TTY is ever allocated, so the
    /// engine sends it in frames).
    func followLogs(_ id: String, tail: Int?, follow: Bool,
                    _ output: (ContainerOutput) async throws -> Void) async throws {
        var request = EngineRequest(.get, "/containers/\(id)/logs", query: [
            ("stdout", "1"), ("stderr", "1"), ("follow", follow ? "1" : "0"),
            ("tail", tail.map(String.init) ?? "all"),
        ])
        if follow { request.timeout = nil }
        let response = try await send(request)
        if response.status.code >= 300 {
            let body = (try? await response.body.collect(upTo: 1 << 16)) ?? ByteBuffer()
            try check(response.status.code, body: body, request: request)
        }
        var frames = LogFrames()
        var chunks = response.body.makeAsyncIterator()
        while let chunk = try await nextChunk(&chunks, request: request) {
            for frame in frames.append(chunk) { try await output(frame) }
        }
    }

    /// `{"label": ["slipway.service=api"]}` as the `filters` query parameter takes it.
    static func filters(_ filters: [String: [String]]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(filters), as: UTF8.self)
    }
}
