import Foundation
@testable import SlipwayDocker
import SlipwayModel
import SlipwayTestSupport
import Testing

/// `DockerRuntime.start` against the real engine.
@Suite(.needsDocker, .serialized) struct RunTests {
    @Test func startedContainerServesOnItsLoopbackPort() async throws {
        try await DockerFixture.run(env: ["API_TOKEN": "s3cret"]) { fixture in
            let (release, instance) = try await fixture.deploy()
            let id = try #require(instance.containerID)
            #expect(instance.port > 0 && instance.port != 8080)
            #expect(instance.service == fixture.service.name && instance.releaseID == release.id)
            #expect(await eventually { await LoopbackHTTP.probe(port: instance.port, path: "/health")?.status == 200 })
            #expect(await LoopbackHTTP.probe(port: instance.port, path: "/version")?.body == "v1\n")
            #expect(await fixture.runtime.isAlive(instance))

            let details = try #require(try await fixture.engine.inspectContainer(id))
            #expect(details.labels["slipway.service"] == fixture.service.name)
            #expect(details.labels["slipway.release"] == release.id)
            #expect(details.image == release.image)
            // Secrets travel in the environment only, never in labels.
            #expect(!details.labels.values.contains { $0.contains("s3cret") })
            let environment = try await fixture.engine.json(
                EngineRequest(.get, "/containers/\(id)/json"), as: ContainerEnvironmentProbe.self).config.env
            #expect(environment.contains("API_TOKEN=s3cret"))
            #expect(environment.contains("PORT=8080"))
            #expect(environment.contains("SLIPWAY_RELEASE=\(release.id)"))

            await fixture.runtime.stop(instance, timeout: .seconds(2))
            #expect(try await fixture.engine.inspectContainer(id) == nil)
        }
    }

    @Test func deploymentLabelIsSetWhenKnown() async throws {
        try await DockerFixture.run { fixture in
            let release = try await fixture.prepare()
            let instance = try await fixture.runtime.start(release, service: fixture.service, deployment: "d-20261122-0930-abcd")
            let id = try #require(instance.containerID)
            let details = try #require(try await fixture.engine.inspectContainer(id))
            #expect(details.labels["slipway.deployment"] == "d-20261122-0930-abcd")
        }
    }

    @Test func runOverridesTheImageCommand() async throws {
        try await DockerFixture.run(run: "httpd -f -p 8080 -h '/www/alt dir'") { fixture in
            try fixture.project.write("alternative\n", to: "rootfs/www/alt dir/health")
            let (_, instance) = try await fixture.deploy()
            #expect(await eventually { await LoopbackHTTP.probe(port: instance.port, path: "/health")?.body == "alternative\n" })
        }
    }

    @Test func volumesAreMounted() async throws {
        let host = try TemporaryDirectory(prefix: "slipway-docker")
        defer { host.remove() }
        try host.write("notes.txt", "from the host\n")
        let volumes = [DockerVolume(source: host.path, target: "/www/host", readOnly: true)]
        try await DockerFixture.run(volumes: volumes) { fixture in
            let (_, instance) = try await fixture.deploy()
            #expect(await eventually { await LoopbackHTTP.probe(port: instance.port, path: "/host/notes.txt")?.body == "from the host\n" })
            let details = try await fixture.engine.json(
                EngineRequest(.get, "/containers/\(try #require(instance.containerID))/json"), as: MountsProbe.self)
            #expect(details.mounts.contains { $0.destination == "/www/host" && $0.rw == false })
        }
    }

    @Test func containerThatNeverServesStartsAndIsRemovedByStop() async throws {
        try await DockerFixture.run(run: "sleep 3600") { fixture in
            let (_, instance) = try await fixture.deploy()
            #expect(await fixture.runtime.isAlive(instance))
            // A health gate would never pass: nothing answers on the published port.
            for _ in 0..<3 {
                #expect(await LoopbackHTTP.probe(port: instance.port, path: "/health", timeout: .seconds(1)) == nil)
            }
            await fixture.runtime.stop(instance, timeout: .seconds(1))
            #expect(try await fixture.containers().isEmpty)
            #expect(!(await fixture.runtime.isAlive(instance)))
        }
    }

    /// `start` doesn't wait to see the container stay up, so a container that exits at once is
    /// caught either by `start` itself (already gone when inspected) or, once started, on `exits`:
    /// never lost, and its output is there either way.
    @Test func containerThatExitsAtOnceIsNeverLost() async throws {
        try await DockerFixture.run(run: "sh -c 'echo cannot open database >&2; exit 4'") { fixture in
            let runtime = fixture.runtime
            let release = try await fixture.prepare()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await runtime.run() }
                do {
                    let instance = try await runtime.start(release, service: fixture.service)
                    let exit = try #require(await nextElement(of: runtime.exits))
                    #expect(exit.instance == instance)
                    #expect(exit.status == 4)
                    #expect(!exit.requested)
                    #expect(await runtime.logTail(instance, lines: 20).contains("cannot open database"))
                } catch let error as SlipwayError {
                    #expect(error.code == .startFailed)
                    #expect(error.message.contains("exited at once (status 4)"))
                    #expect(error.message.contains("cannot open database"))
                    #expect(try await fixture.containers().isEmpty)
                }
                group.cancelAll()
            }
        }
    }

    @Test func unclosedQuoteInRunIsAStartFailure() async throws {
        try await DockerFixture.run(run: "sh -c 'echo") { fixture in
            let release = try await fixture.prepare()
            let error = try await #require(throws: SlipwayError.self) {
                try await fixture.runtime.start(release, service: fixture.service)
            }
            #expect(error.code == .startFailed)
            #expect(error.message.contains("unclosed ' quote"))
        }
    }
}

/// `Config.Env` of a container.
struct ContainerEnvironmentProbe: Decodable {
    struct Config: Decodable {
        let env: [String]

        enum CodingKeys: String, CodingKey {
            case env = "Env"
        }
    }

    let config: Config

    enum CodingKeys: String, CodingKey {
        case config = "Config"
    }
}

/// `Mounts` of a container.
struct MountsProbe: Decodable {
    struct Mount: Decodable {
        let destination: String
        let rw: Bool

        enum CodingKeys: String, CodingKey {
            case destination = "Destination"
            case rw = "RW"
        }
    }

    let mounts: [Mount]

    enum CodingKeys: String, CodingKey {
        case mounts = "Mounts"
    }
}
