import Foundation
import SlipwayModel
import SlipwayTestSupport
import Testing
@testable import SlipwayCLI

/// A container service through the real daemon, proxy and Docker engine: build from the repository,
/// cut over under load, roll back without a rebuild. Needs an engine (scripts/ensure-docker.sh);
/// with CI set its absence fails the test, otherwise the test is skipped.
@Suite(.serialized) struct DockerIntegrationTests {
    static var engineAnswers: Bool {
        let socket = ProcessInfo.processInfo.environment["DOCKER_HOST"].map { $0.replacingOccurrences(of: "unix://", with: "") }
            ?? "/var/run/docker.sock"
        return FileManager.default.fileExists(atPath: socket)
    }

    static var shouldRun: Bool {
        engineAnswers || ProcessInfo.processInfo.environment["CI"] != nil
    }

    /// A repository whose commits hold a busybox root file system served by `httpd`; `/version`
    /// tells releases apart.
    static func repository(environments: String = "", service: String = "") throws -> TestRepository {
        let repository = try TestRepository(config: """
            proxy:
              listen: 127.0.0.1:0
            \(environments)
            services:
              web:
                runtime: docker
                image:
                  dockerfile: Dockerfile
                port: 8080
                health:
                  path: /health
                  interval: 100ms
                  timeout: 1s
                  healthy_threshold: 2
                  start_timeout: 30s
                drain_timeout: 5s
                stop_timeout: 2s
                watch: 0s
                retain: 3
            \(service)
            """)
        let bin = repository.root + "/rootfs/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: bin + "/busybox")
        for applet in ["sh", "httpd"] {
            try FileManager.default.createSymbolicLink(atPath: bin + "/" + applet, withDestinationPath: "busybox")
        }
        try FileManager.default.createDirectory(atPath: repository.root + "/rootfs/www", withIntermediateDirectories: true)
        try repository.write("rootfs/www/health", "ok\n")
        try repository.write("Dockerfile", """
            FROM scratch
            COPY rootfs/ /
            CMD ["/bin/sh", "-c", "exec httpd -f -p $PORT -h /www"]

            """)
        return repository
    }

    @Test(.enabled(if: shouldRun)) func containerServiceCutsOverUnderLoadAndRollsBackWithoutRebuilding() async throws {
        #expect(Self.engineAnswers, "no Docker engine: run scripts/ensure-docker.sh")
        guard Self.engineAnswers else { return }
        let repository = try Self.repository()
        defer { repository.remove() }
        for version in ["v1", "v2"] {
            try repository.write("rootfs/www/version", version + "\n")
            try repository.git("add", "-A")
            try repository.git("commit", "--quiet", "-m", "release \(version)")
            try repository.git("tag", version)
        }
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        let first = try await cli.json(Deployment.self, "deploy", "web", "--ref", "v1")
        #expect(first.exitCode == .success, "\(first.message ?? "")")

        let load = LoadGenerator(url: daemon.url + "/version", clients: 4) { _, body in
            let version = body.trimmingCharacters(in: .whitespacesAndNewlines)
            return version.hasPrefix("v") ? version : nil
        }
        var rollback: Deployment?
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await load.run() }
            #expect(await eventually { load.snapshot.served > 20 })
            let second = try await cli.json(Deployment.self, "deploy", "web", "--ref", "v2")
            #expect(second.exitCode == .success, "\(second.message ?? "")")
            rollback = try await cli.json(Deployment.self, "rollback", "web")
            let served = load.snapshot.served
            #expect(await eventually { load.snapshot.served > served + 20 })
            load.stop()
            try await group.waitForAll()
        }
        await load.shutdown()
        let counts = load.snapshot
        #expect(counts.failed == 0, "failures: \(counts.failures)")
        #expect(counts.versions["v1", default: 0] > 0 && counts.versions["v2", default: 0] > 0)
        // The rollback started v1's image again: no build stage, the same image id recorded.
        #expect(rollback?.outcome == .succeeded)
        #expect(rollback.map { !$0.stages.contains { $0.name == .build } } == true)
        let status = try await cli.status()
        #expect(status.services.first?.activeRelease?.image != nil)
        #expect(status.services.first?.activeRelease?.version == "v1")
        #expect(rollback?.image == status.services.first?.activeRelease?.image)
        // The container's own output, through the engine's logs.
        #expect(try await cli.run("logs", "--service", "web").status == 0)
    }

    /// A promotion of a container release runs the very image staging runs: same image id, no build.
    @Test(.enabled(if: shouldRun)) func aPromotedContainerReleaseRunsTheSameImage() async throws {
        #expect(Self.engineAnswers, "no Docker engine: run scripts/ensure-docker.sh")
        guard Self.engineAnswers else { return }
        let repository = try Self.repository(environments: """
            environments:
              staging: { proxy: { listen: 127.0.0.1:0 } }
              production: { proxy: { listen: 127.0.0.1:0 }, promote_from: staging }
            """)
        defer { repository.remove() }
        try repository.write("rootfs/www/version", "v1\n")
        try repository.git("add", "-A")
        try repository.git("commit", "--quiet", "-m", "release v1")
        try repository.git("tag", "v1")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        let staging = try await cli.json(Deployment.self, "deploy", "web", "--env", "staging", "--ref", "v1")
        #expect(staging.exitCode == .success, "\(staging.message ?? "")")
        let production = try await cli.json(Deployment.self, "promote", "web", "--to", "production")
        #expect(production.exitCode == .success, "\(production.message ?? "")")
        #expect(production.image != nil && production.image == staging.image)
        #expect(production.artifact == staging.artifact && production.promotedFrom == staging.id)
        #expect(production.stages.first { $0.name == .build }?.outcome == .skipped)
        let status = try await cli.status()
        for environment in status.environments ?? [] {
            #expect(try await LoopbackHTTP.get("http://\(environment.proxy)/version").body == "v1\n")
        }
        let images = Set(status.services.compactMap { $0.activeRelease?.image })
        #expect(images.count == 1 && status.services.count == 2)
    }

    /// `start` doesn't wait to see a container stay up: one that exits soon after it starts (here
    /// half a second, past the start) fails the health stage with its exit status and its own output,
    /// and nothing is left serving. (One already gone when `start` inspects it fails `start` the same
    /// way: `RunTests.containerThatExitsAtOnceIsNeverLost`.)
    @Test(.enabled(if: shouldRun)) func containerThatExitsAtOnceFailsTheHealthStageWithItsOutput() async throws {
        #expect(Self.engineAnswers, "no Docker engine: run scripts/ensure-docker.sh")
        guard Self.engineAnswers else { return }
        let repository = try Self.repository()
        defer { repository.remove() }
        try FileManager.default.createSymbolicLink(atPath: repository.root + "/rootfs/bin/sleep", withDestinationPath: "busybox")
        try repository.write("Dockerfile", """
            FROM scratch
            COPY rootfs/ /
            CMD ["/bin/sh", "-c", "echo cannot open database >&2; sleep 0.5; exit 4"]

            """)
        try repository.git("add", "-A")
        try repository.git("commit", "--quiet", "-m", "broken")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        let failed = try await cli.json(Deployment.self, "deploy", "web")
        #expect(failed.exitCode == .deployFailed, "\(failed.message ?? "")")
        let health = failed.stages.first { $0.name == .health }
        #expect(failed.stages.first { $0.name == .start }?.outcome == .succeeded)
        #expect(health?.outcome == .failed)
        let message = health?.message ?? ""
        #expect(message.contains("the release exited with status 4 before it became healthy"), "\(message)")
        #expect(message.contains("cannot open database"), "\(message)")
        #expect(try await cli.status().services.first?.activeRelease == nil)
    }

    /// Two containers per release, replaced one by one (`strategy: rolling`) under load.
    @Test(.enabled(if: shouldRun)) func replicatedContainersAreReplacedOneByOneUnderLoad() async throws {
        #expect(Self.engineAnswers, "no Docker engine: run scripts/ensure-docker.sh")
        guard Self.engineAnswers else { return }
        let repository = try Self.repository(service: """
                replicas: 2
                strategy: rolling
            """)
        defer { repository.remove() }
        try repository.write("rootfs/www/version", "v1\n")
        try repository.git("add", "-A")
        try repository.git("commit", "--quiet", "-m", "v1")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)
        #expect(try await cli.run("deploy", "web").status == 0)
        let v1 = try #require(try await cli.status().services.first?.replicas)
        #expect(v1.count == 2 && v1.allSatisfy { $0.containerID != nil && $0.health == .healthy })
        #expect(Set(v1.compactMap(\.containerID)).count == 2)

        try repository.write("rootfs/www/version", "v2\n")
        try repository.git("add", "-A")
        try repository.git("commit", "--quiet", "-m", "v2")
        var deployed: CommandResult?
        let counts = try await daemon.underLoad(path: "/version", releaseOf: { _, body in
            let version = body.trimmingCharacters(in: .whitespacesAndNewlines)
            return version.hasPrefix("v") ? version : nil
        }) { _ in
            deployed = try await cli.run("deploy", "web")
            #expect(await eventually { (try? await LoopbackHTTP.get(daemon.url + "/version"))?.body == "v2\n" })
        }
        #expect(deployed?.status == 0, "\(deployed?.stdout ?? "")\(deployed?.stderr ?? "")")
        #expect(counts.failed == 0, "\(counts.failures)")
        let v2 = try #require(try await cli.status().services.first?.replicas)
        #expect(v2.count == 2 && Set(v2.compactMap(\.containerID)).isDisjoint(with: v1.compactMap(\.containerID)))
    }

    @Test(.enabled(if: shouldRun)) func containersAreReadoptedAfterTheDaemonIsKilled() async throws {
        #expect(Self.engineAnswers, "no Docker engine: run scripts/ensure-docker.sh")
        guard Self.engineAnswers else { return }
        let repository = try Self.repository()
        defer { repository.remove() }
        try repository.write("rootfs/www/version", "v1\n")
        try repository.git("add", "-A")
        try repository.git("commit", "--quiet", "-m", "v1")
        let cli = CLI(repository: repository)
        let first = try await DaemonProcess.start(repository)
        #expect(try await cli.run("deploy", "web").status == 0)
        let before = try await cli.status().services.first
        first.kill9()

        let second = try await DaemonProcess.start(repository)
        defer { second.terminate() }
        #expect(try await LoopbackHTTP.get(second.url + "/version").body == "v1\n")
        let after = try await cli.status().services.first
        // The same container serves: re-adopted by the daemon, not started again beside it.
        #expect(after?.upstreams == before?.upstreams)
        #expect(after?.restarts == 0)
        let audit = try await cli.json([AuditEntry].self, "audit")
        #expect(audit.contains { $0.action == .releaseAdopted })
    }
}
