import AsyncHTTPClient
import Foundation
import NIOCore
import SlipwayModel
import SlipwayPOSIX

extension DockerEngine {
    /// Largest body read whole (inspect and list answers); streams are read line by line instead.
    static let maxBodyBytes = 32 << 20
    /// Longest line of a streamed body held whole. The engine's JSON messages (a progress update, a
    /// piece of build output, an event) are far shorter, so this only bounds the memory a stream
    /// without newlines can take: past it a line comes in pieces, which fail to decode and are
    /// logged as they are. (The splitter this target had before held any line whole.)
    static let maximumMessageBytes = 1 << 20

    /// Sends a request and returns the response once its head arrives, whatever its status.
    func send(_ request: EngineRequest) async throws -> HTTPClientResponse {
        let version = request.versioned ? try await apiVersion() : nil
        let host = socketPath.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? socketPath
        var http = HTTPClientRequest(url: "http+unix://\(host)\(request.target(version: version))")
        switch request.method {
        case .get: http.method = .GET
        case .head: http.method = .HEAD
        case .post: http.method = .POST
        case .delete: http.method = .DELETE
        }
        // Go's HTTP server refuses a request without Host; a socket has no host name to send.
        http.headers.add(name: "Host", value: "docker")
        if let contentType = request.contentType { http.headers.add(name: "Content-Type", value: contentType) }
        http.body = request.body
        let deadline: NIODeadline = request.timeout.map { .now() + .nanoseconds(Int64($0.nanoseconds)) } ?? .distantFuture
        do {
            return try await client.execute(http, deadline: deadline)
        } catch {
            throw transportFailure(error, request: request)
        }
    }

    /// Sends a request and reads its whole body; a status of 300 or more throws `EngineError`.
    func data(_ request: EngineRequest) async throws -> ByteBuffer {
        let response = try await send(request)
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: Self.maxBodyBytes)
        } catch {
            throw transportFailure(error, request: request)
        }
        try check(response.status.code, body: body, request: request)
        return body
    }

    /// Sends a request and decodes its JSON answer.
    func json<Answer: Decodable>(_ request: EngineRequest, as type: Answer.Type) async throws -> Answer {
        let body = try await data(request)
        do {
            return try JSONDecoder().decode(Answer.self, from: Data(body.readableBytesView))
        } catch {
            throw SlipwayError(.internalError, "the Docker engine's answer to \(request.summary) could not be read: \(error)")
        }
    }

    /// A JSON request body.
    static func jsonBody(_ value: some Encodable) throws -> HTTPClientRequest.Body {
        .bytes(ByteBuffer(bytes: try JSONEncoder().encode(value)))
    }

    /// Throws the engine's message for an error status.
    func check(_ status: UInt, body: ByteBuffer, request: EngineRequest) throws {
        guard status >= 300 else { return }
        let data = Data(body.readableBytesView)
        let message = (try? JSONDecoder().decode(ErrorResponse.self, from: data))?.message
            ?? String(decoding: data.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        throw EngineError(status: Int(status), message: message.isEmpty ? "no message" : message, request: request.summary)
    }

    /// Reads a streamed body (build output, pull progress, events) one line at a time.
    func forEachLine(of response: HTTPClientResponse, request: EngineRequest,
                     _ body: (String) async throws -> Void) async throws {
        var lines = LineSplitter(maximumLineBytes: Self.maximumMessageBytes)
        var chunks = response.body.makeAsyncIterator()
        while let chunk = try await nextChunk(&chunks, request: request) {
            for line in lines.messageLines(in: chunk) { try await body(line) }
        }
        if let last = lines.finish(), !last.isEmpty { try await body(last) }
    }

    /// The next chunk of a streamed body; a broken stream is a transport failure, while errors the
    /// caller's handling throws stay as they are.
    func nextChunk(_ chunks: inout HTTPClientResponse.Body.AsyncIterator, request: EngineRequest) async throws -> ByteBuffer? {
        do {
            return try await chunks.next()
        } catch {
            throw transportFailure(error, request: request)
        }
    }

    /// A failure to reach the engine or to finish talking to it, as `SlipwayError(.dockerUnavailable)`;
    /// cancellation stays cancellation.
    func transportFailure(_ error: any Error, request: EngineRequest) -> any Error {
        if error is CancellationError || error is SlipwayError { return error }
        if let http = error as? HTTPClientError {
            if http == .cancelled { return CancellationError() }
            if http == .deadlineExceeded {
                let limit = request.timeout.map { " within \(Self.seconds($0))s" } ?? ""
                return SlipwayError(.dockerUnavailable,
                                    "the Docker engine at \(socketPath) did not answer \(request.summary)\(limit)")
            }
        }
        let reason = Self.reason(error)
        if negotiatedOnce {
            return SlipwayError(.dockerUnavailable, "lost the Docker engine at \(socketPath) during \(request.summary): \(reason)")
        }
        return SlipwayError(.dockerUnavailable, "no Docker engine at \(socketPath): \(reason); start dockerd "
                            + "(or set DOCKER_HOST=unix:///path/to/docker.sock)")
    }

    static func seconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds + (attoseconds > 0 ? 1 : 0)
    }

    /// Why the socket did not answer, in words, from the errno NIO reports.
    static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        if let io = error as? IOError {
            switch io.errnoCode {
            case ENOENT: return "the socket does not exist"
            case ECONNREFUSED: return "nothing is listening on the socket"
            case EACCES, EPERM: return "permission denied (run as root or as a member of the docker group)"
            default: return text
            }
        }
        return text
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

extension LineSplitter {
    /// The engine's JSON lines that this chunk of a streamed body completes; a blank line carries
    /// no message and is skipped.
    mutating func messageLines(in chunk: ByteBuffer) -> [String] {
        append(chunk.readableBytesView).filter { !$0.isEmpty }
    }
}
