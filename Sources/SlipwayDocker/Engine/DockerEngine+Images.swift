import AsyncHTTPClient
import Foundation
import NIOCore

/// The image endpoints Slipway uses.
extension DockerEngine {
    /// Nil when there is no such image.
    func inspectImage(_ reference: String) async throws -> ImageDetails? {
        do {
            return try await json(EngineRequest(.get, "/images/\(reference)/json"), as: ImageDetails.self)
        } catch let error as EngineError where error.isNotFound {
            return nil
        }
    }

    func tagImage(_ image: String, repository: String, tag: String) async throws {
        _ = try await data(EngineRequest(.post, "/images/\(image)/tag", query: [("repo", repository), ("tag", tag)]))
    }

    /// Removes a reference (`repo:tag`) or an image (`sha256:…`) without force: the engine deletes
    /// the image itself only when no other tag and no container uses it. Absent is not an error;
    /// in use is `EngineError` 409.
    func removeImage(_ reference: String) async throws {
        do {
            _ = try await data(EngineRequest(.delete, "/images/\(reference)"))
        } catch let error as EngineError where error.isNotFound {
            return
        }
    }

    /// Sends the request and, for an error status, throws the engine's message; otherwise hands
    /// each line of the streamed answer (build output, pull progress) to `line`.
    func streamMessages(_ request: EngineRequest, _ line: (ProgressMessage?, String) async throws -> Void) async throws {
        let response = try await send(request)
        if response.status.code >= 300 {
            let body: ByteBuffer
            do {
                body = try await response.body.collect(upTo: 1 << 20)
            } catch {
                throw transportFailure(error, request: request)
            }
            try check(response.status.code, body: body, request: request)
        }
        try await forEachLine(of: response, request: request) { text in
            let message = try? JSONDecoder().decode(ProgressMessage.self, from: Data(text.utf8))
            try await line(message, text)
        }
    }
}
