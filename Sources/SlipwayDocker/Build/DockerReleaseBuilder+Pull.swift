import SlipwayModel

extension DockerReleaseBuilder {
    /// The image built elsewhere: used as it is when the engine has it already, else pulled
    /// (`POST /images/create`); tagged with the release's own reference; returns its id.
    func pull(_ release: Release, service: ServiceConfig, name: String,
              log: @escaping @Sendable (String) -> Void) async throws -> String {
        guard let reference = ImageNames.pullReference(name: name, release: release) else {
            throw SlipwayError(.buildFailed, "image.name \"\(name)\" of \(service.name) is not an image reference",
                               context: ErrorContext(service: service.name))
        }
        func failure(_ reason: String) -> SlipwayError {
            SlipwayError(.buildFailed, "cannot pull \(reference) for \(service.name) release \(release.id): \(reason)",
                         context: ErrorContext(service: service.name))
        }
        let text = reference.description
        let image: ImageDetails
        if let present = try await engine.inspectImage(text) {
            // A tag is taken as immutable (by default it is the release's version), so an image the
            // engine holds is not fetched again.
            log("image \(text) is present (\(present.id)); not pulled")
            image = present
        } else {
            log("pulling \(text)")
            let request = EngineRequest(.post, "/images/create", query: [
                ("fromImage", reference.repository),
                // The engine takes a digest in `tag` too, as the Docker CLI sends it.
                ("tag", reference.digest ?? reference.tag ?? "latest"),
            ])
            var output = BuildOutput()
            do {
                try await engine.streamMessages(request.withTimeout(service.buildTimeout)) { message, raw in
                    guard let message else { return log(String(raw)) }
                    for line in output.take(message) { log(line) }
                }
            } catch let error as EngineError {
                throw failure(error.message)
            }
            if let reason = output.failure { throw failure(reason) }
            guard let pulled = try await engine.inspectImage(text) else {
                throw failure("the engine reported the pull done but has no image \(text)")
            }
            image = pulled
        }
        // Tagged as a built image is, so retention and pruning treat both alike.
        for tag in [release.id, release.version] {
            do {
                try await engine.tagImage(image.id, repository: ImageNames.repository(service: service.name),
                                          tag: ImageNames.tag(tag))
            } catch let error as EngineError {
                throw failure("cannot tag it as \(ImageNames.repository(service: service.name)):\(ImageNames.tag(tag)): "
                              + error.message)
            }
        }
        log("release \(release.id) runs image \(image.id) (\(text))")
        return image.id
    }
}

extension EngineRequest {
    func withTimeout(_ timeout: Duration?) -> EngineRequest {
        var request = self
        request.timeout = timeout
        return request
    }
}
