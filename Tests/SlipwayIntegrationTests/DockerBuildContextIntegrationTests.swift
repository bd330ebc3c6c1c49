import Foundation
import SlipwayModel
import SlipwayTestSupport
import Testing

/// A monorepo's container service built from its own folder (`image.context`, as Docker Compose's
/// `build.context` and Kamal's `builder.context`), through the real daemon and Docker engine.
@Suite(.serialized) struct DockerBuildContextIntegrationTests {
    /// `services/api/` holds the service's Dockerfile, files and `.dockerignore`; the repository's own
    /// `.dockerignore` leaves out `services/`, which would exclude them all from a root context.
    static func monorepo() throws -> TestRepository {
        let repository = try TestRepository(config: """
            proxy:
              listen: 127.0.0.1:0
            services:
              api:
                runtime: docker
                image:
                  context: services/api
                  dockerfile: Dockerfile
                port: 8080
                health: { path: /health, interval: 100ms, timeout: 1s, healthy_threshold: 1, start_timeout: 30s }
                drain_timeout: 5s
                stop_timeout: 2s
                watch: 0s
            """)
        let api = repository.root + "/services/api"
        try FileManager.default.createDirectory(atPath: api + "/rootfs/bin", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "/bin/busybox", toPath: api + "/rootfs/bin/busybox")
        for applet in ["sh", "httpd"] {
            try FileManager.default.createSymbolicLink(atPath: api + "/rootfs/bin/" + applet, withDestinationPath: "busybox")
        }
        try repository.write("services/api/Dockerfile", """
            FROM scratch
            COPY rootfs/ /
            COPY . /www/
            CMD ["/bin/sh", "-c", "exec httpd -f -p $PORT -h /www"]

            """)
        try repository.write("services/api/app.txt", "api, built from its own folder\n")
        try repository.write("services/api/health", "ok\n")
        try repository.write("services/api/notes.secret", "left out\n")
        try repository.write("services/api/.dockerignore", "*.secret\n")
        try repository.write(".dockerignore", "services\n")
        try repository.git("add", "-A")
        try repository.git("commit", "--quiet", "-m", "api in its own folder")
        return repository
    }

    @Test(.enabled(if: DockerIntegrationTests.shouldRun)) func serviceBuildsFromItsOwnFolderWithItsOwnDockerignore() async throws {
        #expect(DockerIntegrationTests.engineAnswers, "no Docker engine: run scripts/ensure-docker.sh")
        guard DockerIntegrationTests.engineAnswers else { return }
        let repository = try Self.monorepo()
        defer { repository.remove() }
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)

        let deployed = try await cli.json(Deployment.self, "deploy", "api")
        #expect(deployed.exitCode == .success, "\(deployed.message ?? "")")
        #expect(try await LoopbackHTTP.get(daemon.url + "/app.txt").body == "api, built from its own folder\n")
        // The context's .dockerignore applies, the repository root's does not.
        #expect(try await LoopbackHTTP.get(daemon.url + "/notes.secret").status == 404)
        #expect(try await LoopbackHTTP.get(daemon.url + "/Dockerfile").status == 200)
        let log = try await cli.run("logs", deployed.id)
        #expect(log.stdout.contains("docker build -f Dockerfile -t slipway/api:"), "\(log.stdout)")
        #expect(log.stdout.contains(" services/api ("), "\(log.stdout)")
    }
}
