import Foundation
import Logging
import SlipwayCore
import SlipwayModel

/// Builds releases of `runtime: docker` services into images, through the Engine API.
///
/// The inner builder (git) exports the commit into its release directory and runs `build` there;
/// then this one builds the image from that directory (`image.dockerfile`) or pulls the image
/// built elsewhere (`image.name`), tags it `slipway/<service>:<version>` and
/// `slipway/<service>:<release id>`, and records its id on the release: what every container of
/// the release runs, and what a promotion carries to the next environment. A release of a service
/// without container settings is the inner builder's alone.
public struct DockerReleaseBuilder: ReleaseBuilder {
    let inner: any ReleaseBuilder
    let engine: DockerEngine
    let logger: Logger

    public init(inner: any ReleaseBuilder, engine: DockerEngine, logger: Logger) {
        self.inner = inner
        self.engine = engine
        self.logger = logger
    }

    public func prepare(service: ServiceConfig, ref: String, log: @escaping @Sendable (String) -> Void) async throws -> Release {
        var release = try await inner.prepare(service: service, ref: ref, log: log)
        guard service.runtime == .docker, let docker = service.docker else { return release }
        let started = ContinuousClock.now
        do {
            switch docker.image {
            case .dockerfile(let dockerfile):
                release.image = try await build(release, service: service, docker: docker, dockerfile: dockerfile, log: log)
            case .name(let name):
                release.image = try await pull(release, service: service, name: name, log: log)
            }
        } catch {
            // A failed build leaves no release behind (the protocol's promise), directory included.
            do {
                try await inner.remove(release)
            } catch let cleanup {
                logger.warning("cannot remove the directory of failed release \(release.id): \(cleanup)",
                               metadata: ["service": "\(service.name)"])
            }
            throw error
        }
        release.buildSeconds += (ContinuousClock.now - started) / .seconds(1)
        logger.info("release \(release.id) runs image \(release.image ?? "?")", metadata: ["service": "\(service.name)"])
        return release
    }

    /// Removes the release's stopped containers, the references Slipway made to its image (the
    /// engine deletes the image with its last reference), then its directory. A reference still
    /// in use by a running container stays; a pulled image keeps the name it was pulled as, which
    /// is the user's (`docker image prune -a` reclaims it once no tag of Slipway's holds it).
    public func remove(_ release: Release) async throws {
        if let image = release.image {
            try await removeContainers(of: release)
            try await removeReference(ImageNames.releaseReference(release), ifItNames: image, release: release)
            try await removeReference(ImageNames.versionReference(release), ifItNames: image, release: release)
        }
        try await inner.remove(release)
    }
}
