import Foundation
@testable import SlipwayDocker
import SlipwayModel
import SlipwayTestSupport

/// One test's service against the real engine: a unique service name, a busybox project, the
/// builder and a runtime. Everything of that service (containers, images) is removed afterwards,
/// whether the test passed or not.
struct DockerFixture {
    let engine: DockerEngine
    let project: BusyboxProject
    let releases: TemporaryDirectory
    let inner: DirectoryReleaseBuilder
    let builder: DockerReleaseBuilder
    let runtime: DockerRuntime
    let log = CollectedLog()
    var service: ServiceConfig

    static func run(dockerfile: String = BusyboxProject.serving, run: String = "", port: Int = 8080,
                    env: [String: String] = [:], volumes: [DockerVolume] = [], image: DockerImageSource? = nil,
                    _ body: (inout DockerFixture) async throws -> Void) async throws {
        try await withEngine { engine in
            let project = try BusyboxProject(dockerfile: dockerfile)
            let releases = try TemporaryDirectory(prefix: "slipway-docker")
            let name = "t" + UUID().uuidString.prefix(8).lowercased()
            // Identical contexts build one image; each test's own file keeps its image its own, so
            // what one test removes is never what another runs.
            try project.write(name + "\n", to: "rootfs/www/test")
            let inner = DirectoryReleaseBuilder(project: project.root, releasesRoot: releases.path)
            var fixture = DockerFixture(
                engine: engine, project: project, releases: releases, inner: inner,
                builder: DockerReleaseBuilder(inner: inner, engine: engine, logger: .quiet),
                runtime: DockerRuntime(engine: engine, logger: .quiet, project: releases.path),
                service: ServiceConfig(name: name, run: run, env: env, stopTimeout: .seconds(2), runtime: .docker,
                                       docker: DockerServiceConfig(image: image ?? .dockerfile("Dockerfile"),
                                                                   port: port, volumes: volumes)))
            do {
                try await body(&fixture)
            } catch {
                await fixture.cleanUp()
                throw error
            }
            await fixture.cleanUp()
        }
    }

    func prepare(_ version: String = "v1") async throws -> Release {
        try await builder.prepare(service: service, ref: version, log: log.sink)
    }

    /// Builds a release and starts it.
    func deploy(_ version: String = "v1") async throws -> (Release, Instance) {
        let release = try await prepare(version)
        return (release, try await runtime.start(release, service: service))
    }

    /// Every container of the service, running or not.
    func containers() async throws -> [ContainerSummary] {
        try await engine.listContainers(labels: ContainerLabels.selecting(service: service.name), all: true)
    }

    func cleanUp() async {
        for container in (try? await containers()) ?? [] {
            try? await engine.removeContainer(container.id, force: true)
        }
        let filters = (try? DockerEngine.filters(["reference": ["slipway/\(service.name)"]])) ?? "{}"
        let request = EngineRequest(.get, "/images/json", query: [("filters", filters)])
        for image in (try? await engine.json(request, as: [ListedImage].self)) ?? [] {
            _ = try? await engine.data(EngineRequest(.delete, "/images/\(image.id)", query: [("force", "1")]))
        }
        // A failed build leaves its committed steps as untagged images (the engine's cache, as with
        // `docker build`); the build log names them (` ---> 1a2b3c4d5e6f`).
        for line in log.lines where line.hasPrefix("---> ") {
            let id = line.dropFirst(5)
            guard id.count == 12, id.allSatisfy(\.isHexDigit) else { continue }
            try? await engine.removeImage(String(id))
        }
        project.remove()
        releases.remove()
    }
}

/// One entry of `GET /images/json`.
struct ListedImage: Decodable {
    let id: String

    enum CodingKeys: String, CodingKey {
        case id = "Id"
    }
}
