import Foundation
import SlipwayModel
import SlipwayTestSupport
import Testing

/// A daemon that dies while `slipway deploy` streams is what exit 7 documents: "the daemon is not
/// running or not reachable" (issue 13: the CLI said `Error: stream ended at an unexpected time`, exit 1).
@Suite(.serialized) struct LostDaemonIntegrationTests {
    @Test func daemonKilledDuringADeployExitsSevenNamingTheDeployment() async throws {
        let repository = try TestRepository(config: TestRepository.config(build: "sh ./build.sh"))
        defer { repository.remove() }
        // The build lasts as long as the repository, so the daemon is killed while it runs, and the build the
        // dead daemon leaves behind ends with the test.
        try repository.write("build.sh", "while [ -e '\(repository.configFile)' ]; do sleep 0.05; done\n")
        try repository.release("v1")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }

        let deploy = try BackgroundProgram(Binaries.slipway, ["deploy", "web", "--ref", "v1", "--config", repository.configFile],
                                           in: repository.root)
        try await waitUntil("the build stage started", timeout: .seconds(30)) { deploy.stdout.contents.contains("build…") }
        let announced = deploy.stdout.contents.split(separator: "\n").first { $0.hasPrefix("deployment d-") }
        let deploymentID = try #require(announced.map { String($0.dropFirst("deployment ".count)) })
        daemon.kill9()

        let result = await deploy.finished()
        #expect(result.status == ExitStatus.daemonUnreachable.rawValue, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("lost the daemon"))
        #expect(result.stderr.contains(deploymentID))
        #expect(result.stderr.contains("slipway show \(deploymentID)"))
    }
}
