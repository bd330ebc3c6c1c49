import Foundation
import SlipwayModel
import SlipwayPOSIX

extension DockerReleaseBuilder {
    /// `POST /build` with the release directory (or its `image.context`) as the context; returns the image id.
    func build(_ release: Release, service: ServiceConfig, docker: DockerServiceConfig, dockerfile: String,
               log: @escaping @Sendable (String) -> Void) async throws -> String {
        func failure(at step: String? = nil, _ reason: String) -> SlipwayError {
            SlipwayError(.buildFailed, "docker build of \(service.name) release \(release.id) failed"
                         + (step.map { " at \($0)" } ?? "") + ": " + reason,
                         context: ErrorContext(service: service.name))
        }
        if let problem = Self.contextProblem(release, docker, dockerfile: dockerfile) { throw failure(problem) }
        let root = Self.contextRoot(release, docker)
        let context = try await BlockingIO.run { try BuildContext.scan(root: root, dockerfile: dockerfile) }
        var request = EngineRequest(.post, "/build", query: [
            ("t", ImageNames.versionReference(release)),
            ("t", ImageNames.releaseReference(release)),
            ("dockerfile", dockerfile),
            // No `labels`: the engine would add a step per label to the user's Dockerfile, and a
            // label naming the release would make every build of one commit a different image.
            ("buildargs", try DockerEngine.jsonText(docker.args)),
            ("rm", "1"),
            ("forcerm", "1"),
            // The classic builder: BuildKit over the API needs a gRPC session this client does not open.
            ("version", "1"),
        ])
        request.body = .stream(BuildContextStream(context: context), length: .unknown)
        request.contentType = "application/x-tar"
        request.timeout = service.buildTimeout
        log("docker build -f \(dockerfile) -t \(ImageNames.versionReference(release))\(docker.context.map { " " + $0 } ?? "") "
            + "(\(context.entries.count) entries in the context)")

        var output = BuildOutput(redactor: redactor)
        let started = ContinuousClock.now
        do {
            try await engine.streamMessages(request) { message, raw in
                guard let message else {
                    log(String(raw))
                    return
                }
                for line in output.take(message) { log(line) }
            }
        } catch let error as EngineError {
            throw failure(at: output.step, error.message)
        } catch let error as SlipwayError where error.code == .dockerUnavailable
            && ContinuousClock.now - started >= service.buildTimeout {
            throw failure(at: output.step, "it did not finish within \(DurationText.format(service.buildTimeout)) "
                          + "(build_timeout)")
        }
        for line in output.finish() { log(line) }
        if let reason = output.failure { throw failure(at: output.step, reason) }

        guard let image = try await engine.inspectImage(ImageNames.releaseReference(release)) else {
            throw failure("the engine reported success but has no image \(ImageNames.releaseReference(release))")
        }
        log("built image \(image.id) as \(ImageNames.versionReference(release))")
        return image.id
    }
}

extension DockerEngine {
    /// A value as JSON text, for query parameters that take JSON (`buildargs`, `labels`, `filters`).
    static func jsonText(_ value: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
