import SlipwayModel

extension DockerReleaseBuilder {
    /// Removes the stopped containers of a release, which would hold its image. A running one
    /// (the runtime's, not ours to stop) is left, and so is the image it uses.
    func removeContainers(of release: Release) async throws {
        let containers = try await engine.listContainers(labels: ContainerLabels.selecting(release), all: true)
        for container in containers where container.state != "running" {
            do {
                try await engine.removeContainer(container.id, force: false)
            } catch let error as EngineError {
                logger.warning("cannot remove container \(container.id.prefix(12)) of release \(release.id): \(error.message)",
                               metadata: ["service": "\(release.service)"])
            }
        }
    }

    /// Removes `reference` when it still names `image` (a later release may have taken the tag).
    func removeReference(_ reference: String, ifItNames image: String, release: Release) async throws {
        guard let current = try await engine.inspectImage(reference), current.id == image else { return }
        do {
            try await engine.removeImage(reference)
            logger.info("removed image reference \(reference)", metadata: ["service": "\(release.service)"])
        } catch let error as EngineError where error.isConflict {
            logger.warning("kept image reference \(reference) of release \(release.id): \(error.message)",
                           metadata: ["service": "\(release.service)"])
        }
    }
}
