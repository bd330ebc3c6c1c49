import Foundation
@testable import SlipwayDocker
import SlipwayModel
import SlipwayTestSupport
import Testing

/// Finding the engine: `DOCKER_HOST`, the version check, a clear error without one.
@Suite struct EngineTests {
    @Test func dockerHostNamesTheSocket() throws {
        #expect(try DockerHost.socketPath(environment: [:]) == "/var/run/docker.sock")
        #expect(try DockerHost.socketPath(environment: ["DOCKER_HOST": ""]) == "/var/run/docker.sock")
        #expect(try DockerHost.socketPath(environment: ["DOCKER_HOST": "unix:///run/user/1000/docker.sock"])
                == "/run/user/1000/docker.sock")
    }

    @Test func dockerHostOverTCPIsRefusedByName() {
        let error = #expect(throws: SlipwayError.self) {
            try DockerHost.socketPath(environment: ["DOCKER_HOST": "tcp://10.0.0.5:2375"])
        }
        #expect(error?.code == .dockerUnavailable)
        #expect(error?.message.contains("DOCKER_HOST=tcp://10.0.0.5:2375 is not supported") == true)
        #expect(throws: SlipwayError.self) { try DockerHost.socketPath(environment: ["DOCKER_HOST": "unix://docker.sock"]) }
    }

    @Test func absentEngineIsAClearError() async throws {
        let workspace = try TemporaryDirectory(prefix: "slipway-docker")
        defer { workspace.remove() }
        let engine = DockerEngine(socketPath: workspace.path + "/docker.sock")
        let error = await #expect(throws: SlipwayError.self) { try await engine.version() }
        await engine.shutdown()
        #expect(error?.code == .dockerUnavailable)
        #expect(error?.message == "no Docker engine at \(workspace.path)/docker.sock: the socket does not exist; "
                + "start dockerd (or set DOCKER_HOST=unix:///path/to/docker.sock)")
    }

    @Test func socketWithNobodyListeningIsAClearError() async throws {
        let workspace = try TemporaryDirectory(prefix: "slipway-docker")
        defer { workspace.remove() }
        let path = workspace.path + "/docker.sock"
        try bindUnixSocketWithoutListening(at: path)
        let engine = DockerEngine(socketPath: path)
        let error = await #expect(throws: SlipwayError.self) { try await engine.version() }
        await engine.shutdown()
        #expect(error?.code == .dockerUnavailable)
        #expect(error?.message.hasPrefix("no Docker engine at \(path): nothing is listening on the socket") == true)
    }

    @Test func everyOperationOfAnAbsentEngineFailsTheSameWay() async throws {
        let engine = DockerEngine(socketPath: "/nonexistent/docker.sock")
        let runtime = DockerRuntime(engine: engine, logger: .quiet)
        let error = await #expect(throws: SlipwayError.self) { try await runtime.instances() }
        #expect(error?.code == .dockerUnavailable)
        let instance = Instance(service: "api", releaseID: "r", pid: 0, port: 1, startToken: 0, logFile: "",
                                containerID: "abc")
        #expect(!(await runtime.isAlive(instance)))
        await engine.shutdown()
    }

    @Test(.needsDocker) func versionIsNegotiated() async throws {
        try await withEngine { engine in
            let version = try await engine.version()
            #expect(!version.engine.isEmpty)
            let negotiated = try #require(APIVersion(version.negotiatedAPI))
            #expect(negotiated >= APIVersion.oldest && negotiated <= APIVersion.newest)
            #expect(negotiated <= APIVersion(version.engineAPI)!)
        }
    }

    @Test(.needsDocker) func dockerHostIsHonoured() async throws {
        // The engine reached through another path to its socket, named by DOCKER_HOST.
        let real = try DockerHost.socketPath(environment: ProcessInfo.processInfo.environment)
        let workspace = try TemporaryDirectory(prefix: "slipway-docker")
        defer { workspace.remove() }
        let link = workspace.path + "/engine.sock"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        let engine = try DockerEngine(environment: ["DOCKER_HOST": "unix://\(link)"])
        #expect(engine.socketPath == link)
        let version = try await engine.version()
        await engine.shutdown()
        #expect(!version.engineAPI.isEmpty)
    }
}

/// A unix socket bound but not listening: connecting is refused.
func bindUnixSocketWithoutListening(at path: String) throws {
    let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw POSIXError(.EIO) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { buffer in
        for (index, byte) in path.utf8.prefix(buffer.count - 1).enumerated() { buffer[index] = byte }
    }
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    close(descriptor)
    guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
}
