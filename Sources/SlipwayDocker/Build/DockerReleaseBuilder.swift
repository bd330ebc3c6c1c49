import Foundation
import Logging
import SlipwayCore
import SlipwayModel

/// Builds releases of `runtime: docker` services into images, through the Engine API.
///
/// The inner builder (git) exports the commit and runs `build` in it; then this one builds the image from that directory (`image.dockerfile`) or pulls the image
/// built elsewhere (`image.name`), tags it `slipway/<service>:<version>` and
/// `slipway/<service>:<release id>`, and records its id on the release: what every container of
/// the release runs, and what a promotion carries to the next environment. A release of a service
/// without container settings is the inner builder's alone.
package struct DockerReleaseBuilder: ReleaseBuilder {
    let inner: any ReleaseBuilder
    let engine: DockerEngine
    let logger: Logger
    /// Hides secrets in the build's output as it streams, before it is cut into lines.
    let redactor: Redactor

    package init(inner: any ReleaseBuilder, engine: DockerEngine, logger: Logger, redactor: Redactor = Redactor()) {
        self.inner = inner
        self.engine = engine
        self.logger = logger
        self.redactor = redactor
    }

    package func export(service: ServiceConfig, ref: String, log: @escaping @Sendable (String) -> Void) async throws -> StagedRelease {
        try await inner.export(service: service, ref: ref, log: log)
    }

    package func publish(_ staged: StagedRelease) async throws -> Release {
        try await inner.publish(staged)
    }

    /// The files copied as the inner builder copies them, and the same image, referenced by the new
    /// release's id too, so pruning the release it came from never deletes what this one runs.
    package func promote(_ release: Release, service: ServiceConfig, log: @escaping @Sendable (String) -> Void) async throws -> StagedRelease {
        let staged = try await inner.promote(release, service: service, log: log)
        guard let image = staged.release.image else { return staged }
        do {
            try await engine.tagImage(image, repository: ImageNames.repository(service: service.name),
                                      tag: ImageNames.tag(staged.release.id))
        } catch let error as EngineError {
            await inner.discard(staged)
            throw SlipwayError(.buildFailed, "cannot tag image \(image.prefix(19)) for release \(staged.release.id): \(error.message)",
                               context: ErrorContext(service: service.name))
        }
        log("release \(staged.release.id) runs the same image, \(image)")
        return staged
    }

    /// The staged files, and the image references a build made for it.
    package func discard(_ staged: StagedRelease) async {
        if let image = staged.release.image {
            try? await removeReference(ImageNames.releaseReference(staged.release), ifItNames: image, release: staged.release)
            try? await removeReference(ImageNames.versionReference(staged.release), ifItNames: image, release: staged.release)
        }
        await inner.discard(staged)
    }

    package func build(_ staged: StagedRelease, service: ServiceConfig, log: @escaping @Sendable (String) -> Void) async throws -> StagedRelease {
        var built = try await inner.build(staged, service: service, log: log)
        guard service.runtime == .docker, let docker = service.docker else { return built }
        let started = ContinuousClock.now
        do {
            // The image is built from the staged files, which `publish` moves once everything passed.
            switch docker.image {
            case .dockerfile(let dockerfile):
                built.release.image = try await build(built.inPlace, service: service, docker: docker, dockerfile: dockerfile, log: log)
            case .name(let name):
                built.release.image = try await pull(built.inPlace, service: service, name: name, log: log)
            }
        } catch {
            // A failed build leaves nothing behind (the protocol's promise), staged files included.
            await inner.discard(built)
            throw error
        }
        built.release.buildSeconds += (ContinuousClock.now - started) / .seconds(1)
        logger.info("release \(built.release.id) runs image \(built.release.image ?? "?")", metadata: ["service": "\(service.name)"])
        return built
    }

    /// Removes the release's stopped containers, the references Slipway made to its image (the
    /// engine deletes the image with its last reference), then its directory. A reference still
    /// in use by a running container stays; a pulled image keeps the name it was pulled as, which
    /// is the user's (`docker image prune -a` reclaims it once no tag of Slipway's holds it).
    package func remove(_ release: Release) async throws {
        if let image = release.image {
            try await removeContainers(of: release)
            try await removeReference(ImageNames.releaseReference(release), ifItNames: image, release: release)
            try await removeReference(ImageNames.versionReference(release), ifItNames: image, release: release)
        }
        try await inner.remove(release)
    }
}
