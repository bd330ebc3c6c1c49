import Foundation
import Logging
import SlipwayCore
import SlipwayModel

/// Runs releases as containers through the Docker Engine API.
///
/// Each instance is one container of the release's image, labelled with its service, release and
/// deployment, its container `port` published on a loopback port the engine picks (the proxy's
/// upstream), with the service's env and volumes. Containers outlive the daemon on purpose, as
/// processes do: after a restart `instances(service:)`, `isAlive` and `adopt` take them back by
/// their labels, so traffic resumes without a redeploy and nothing is started twice.
///
/// `run()` follows the engine's event stream (`die` events of Slipway's containers) and reports
/// every exit on `exits`. The daemon runs it for as long as it runs.
package actor DockerRuntime: Runtime {
    package nonisolated let exits: AsyncStream<InstanceExit>
    let exitSink: AsyncStream<InstanceExit>.Continuation

    let engine: DockerEngine
    let logger: Logger
    /// Labels every container this runtime starts (`slipway.project`); the daemon passes its state
    /// directory. Without one, `unrecorded` can attribute no container to this project.
    let project: String?
    /// Containers whose exit this runtime reports, by container id.
    var watched: [String: WatchedContainer] = [:]
    /// Where a reconnected event stream resumes, so no exit is missed while it was down.
    var lastEventTime: Int64?

    package init(engine: DockerEngine, logger: Logger, project: String? = nil) {
        (exits, exitSink) = AsyncStream.makeStream(of: InstanceExit.self)
        self.engine = engine
        self.logger = logger
        self.project = project
    }

    deinit {
        exitSink.finish()
    }

    package func start(_ release: Release, service: ServiceConfig) async throws -> Instance {
        try await start(release, service: service, deployment: nil)
    }

    package nonisolated func isAlive(_ instance: Instance) async -> Bool {
        guard let id = instance.containerID, let details = try? await engine.inspectContainer(id) else { return false }
        return details.state.running && details.labels[ContainerLabels.release] == instance.releaseID
    }

    package func adopt(_ instance: Instance) async {
        guard let id = instance.containerID else {
            exitSink.yield(InstanceExit(instance: instance, status: nil, signal: nil, requested: false))
            return
        }
        guard watched[id] == nil else { return }
        watched[id] = WatchedContainer(instance: instance)
        logger.info("adopted container \(id.prefix(12))", metadata: Self.metadata(instance))
        // One that ended before it was adopted is reported now; an engine that does not answer
        // leaves it watched, and the event stream settles it when the engine is back.
        if let code = await engine.lookUpContainer(id).ended { report(id, exitCode: code) }
    }

    static func metadata(_ instance: Instance) -> Logger.Metadata {
        ["service": "\(instance.service)", "release": "\(instance.releaseID)",
         "container": "\(instance.containerID?.prefix(12) ?? "none")"]
    }
}
