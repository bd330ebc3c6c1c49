import Foundation
import Logging
import SlipwayModel
import SlipwayTestSupport
import Testing
@testable import SlipwayProxy

/// The proxy process's body (`slipway proxy run`), run in the test process: its control socket,
/// the route table it persists, and the hand-off of its listening socket to a successor.
@Suite(.serialized) struct ProxyHostTests {
    let web = ServiceKey(service: "web")

    func host(_ files: ProxyFiles, port: Int = 0, takeOver: Bool = false) -> ProxyHost {
        ProxyHost(options: .init(files: files, listen: SocketAddressSpec(host: "127.0.0.1", port: port), idleTimeout: .seconds(75),
                                 takeOver: takeOver, handleSignals: false),
                  logger: .quiet)
    }

    /// Waits until the host behind `files` answers `status` and returns its port.
    func servingPort(_ files: ProxyFiles) async throws -> Int {
        let client = ProxyControlClient(files: files)
        var status: ProxyStatus?
        _ = await eventually {
            status = try? await client.send(ProxyControlRequest(.status), timeout: .seconds(1)).status
            return status != nil
        }
        return try #require(status.flatMap { SocketAddressSpec(parsing: $0.listen) }?.port)
    }

    /// A proxy host on a fresh state directory, serving `web` from a fresh backend `v1`: what most
    /// tests start from. The caller stops the backend.
    struct Routed {
        let directory: TemporaryDirectory
        let files: ProxyFiles
        let backend: TestBackend
        let running: Task<Void, Error>
        let port: Int
    }

    func startRoutedHost() async throws -> Routed {
        let directory = try TemporaryDirectory(prefix: "slipway-proxy-host")
        let files = ProxyFiles(stateDirectory: directory.path)
        let backend = try await TestBackend.start(name: "v1")
        let running = Task { try await host(files).run() }
        let port = try await servingPort(files)
        try await route(files, to: backend)
        return Routed(directory: directory, files: files, backend: backend, running: running, port: port)
    }

    func route(_ files: ProxyFiles, to backend: TestBackend) async throws {
        let client = ProxyControlClient(files: files)
        _ = try await client.send(ProxyControlRequest(.configure, service: web, route: ProxyRoute(service: web, route: RouteConfig(path: "/"), backends: nil)))
        let reply = try await client.send(ProxyControlRequest(.switchTraffic, service: web, upstream: backend.upstream))
        #expect(reply.upstream == nil, "nothing was routed before")
    }

    @Test func everyChangeIsPersistedAndARestartedProxyServesTheSameRoutes() async throws {
        let routed = try await startRoutedHost()
        defer { withExtendedLifetime(routed) {} }  // its directory is the proxy's state directory
        let (files, backend, first, port) = (routed.files, routed.backend, routed.running, routed.port)
        defer { Task { await backend.stop() } }
        let client = ProxyClient(port: port)
        defer { Task { try? await client.http.shutdown() } }
        #expect(try await client.get("/").body == "v1")
        // Written just after the answer.
        let expected = [ProxyRoute(service: web, route: RouteConfig(path: "/"), backends: .single(backend.upstream))]
        #expect(await eventually { files.readState()?.routes == expected })
        let persisted = try #require(files.readState())
        #expect(persisted.pid == getpid())
        #expect(!FileManager.default.fileExists(atPath: files.stateFile + ".tmp-\(getpid())"), "written through a temporary file, renamed")

        _ = try await ProxyControlClient(files: files).send(ProxyControlRequest(.stop))
        try await first.value
        #expect(!FileManager.default.fileExists(atPath: files.controlSocket), "a stopped proxy removes its control socket")

        // A proxy started again (after a crash, by the controller) serves the persisted table at once.
        let second = Task { try await host(files, port: port).run() }
        #expect(try await servingPort(files) == port)
        #expect(try await client.get("/").body == "v1")
        _ = try await ProxyControlClient(files: files).send(ProxyControlRequest(.stop))
        try await second.value
    }

    @Test func aSuccessorTakesTheListeningSocketAndTheRoutesAndThePredecessorExits() async throws {
        let routed = try await startRoutedHost()
        defer { withExtendedLifetime(routed) {} }  // its directory is the proxy's state directory
        let (files, backend, first, port) = (routed.files, routed.backend, routed.running, routed.port)
        defer { Task { await backend.stop() } }
        // A connection opened before the hand-off is served by the predecessor and then closed.
        let client = ProxyClient(port: port)
        #expect(try await client.get("/").body == "v1")

        let successor = Task { try await host(files, takeOver: true).run() }
        try await first.value  // the predecessor drained and returned
        #expect(try await servingPort(files) == port)
        #expect(try await client.get("/").body == "v1", "the same port, the same routes")
        // The successor owns the control socket now and takes changes.
        let other = try await TestBackend.start(name: "v2")
        defer { Task { await other.stop() } }
        let reply = try await ProxyControlClient(files: files).send(ProxyControlRequest(.switchTraffic, service: web, upstream: other.upstream))
        #expect(reply.upstream == backend.upstream)
        #expect(try await client.get("/").body == "v2")
        try await client.http.shutdown()
        _ = try await ProxyControlClient(files: files).send(ProxyControlRequest(.stop))
        try await successor.value
    }

    /// `pause` and `maintenance` on the control socket are persisted with the routes and handed to a
    /// successor with them; `resume` and `live` there end them.
    @Test func pauseAndMaintenanceArePersistedAndHandedToASuccessor() async throws {
        let routed = try await startRoutedHost()
        defer { withExtendedLifetime(routed) {} }  // its directory is the proxy's state directory
        let (files, backend, first, port) = (routed.files, routed.backend, routed.running, routed.port)
        defer { Task { await backend.stop() } }
        let control = ProxyControlClient(files: files)
        let paused = try await control.send(ProxyControlRequest(.pause, service: web, holdMilliseconds: 5000))
        #expect(paused.control == TrafficControl(pausedHoldMilliseconds: 5000))
        let maintenance = try await control.send(ProxyControlRequest(.maintenance, service: web, message: "moving house"))
        #expect(maintenance.control == TrafficControl(pausedHoldMilliseconds: 5000, maintenance: "moving house"))
        #expect(await eventually { files.readState()?.routes.first?.control?.maintenance == "moving house" })
        #expect(try await control.send(ProxyControlRequest(.upstream, service: web)).control?.maintenance == "moving house")

        let successor = Task { try await host(files, takeOver: true).run() }
        try await first.value
        let client = ProxyClient(port: port)
        defer { Task { try? await client.http.shutdown() } }
        let page = try await client.get("/")
        #expect(page.status == 503 && page.body == "moving house\n", "the successor keeps the maintenance")
        _ = try await ProxyControlClient(files: files).send(ProxyControlRequest(.live, service: web))
        let held = Task { try await client.get("/") }
        // Still paused in the successor: the request is served once resumed (that it waits until
        // then is TrafficControlTests' to show; the successor's held requests are not visible here).
        _ = try await ProxyControlClient(files: files).send(ProxyControlRequest(.resume, service: web))
        let served = try await held.value
        #expect(served.status == 200 && served.body == "v1")
        #expect(await eventually { files.readState()?.routes.first?.control == nil })
        _ = try await ProxyControlClient(files: files).send(ProxyControlRequest(.stop))
        try await successor.value
    }

    @Test func aHandOffToNobodyLeavesTheProxyServingAndTakingChanges() async throws {
        let routed = try await startRoutedHost()
        defer { withExtendedLifetime(routed) {} }  // its directory is the proxy's state directory
        let (directory, files, running, port) = (routed.directory, routed.files, routed.running, routed.port)
        defer { Task { await routed.backend.stop() } }

        let control = ProxyControlClient(files: files)
        await #expect(throws: SlipwayError.self) {
            _ = try await control.send(ProxyControlRequest(.handOff, path: directory.path("nobody.sock")))
        }
        let client = ProxyClient(port: port)
        defer { Task { try? await client.http.shutdown() } }
        #expect(try await client.get("/").body == "v1", "it accepts again")
        _ = try await control.send(ProxyControlRequest(.switchTraffic, service: web, upstream: nil))
        #expect(try await client.get("/").status == 503)
        _ = try await control.send(ProxyControlRequest(.stop))
        try await running.value
    }

    @Test func aMalformedRequestGetsAnErrorNotACrash() async throws {
        let directory = try TemporaryDirectory(prefix: "slipway-proxy-host")
        let files = ProxyFiles(stateDirectory: directory.path)
        let running = Task { try await host(files).run() }
        _ = try await servingPort(files)
        let control = ProxyControlClient(files: files)
        await #expect(throws: SlipwayError.self) {
            _ = try await control.send(ProxyControlRequest(.switchTraffic))  // no service
        }
        await #expect(throws: SlipwayError.self) {
            _ = try await control.send(ProxyControlRequest(.configure, service: web))  // no route
        }
        _ = try await control.send(ProxyControlRequest(.stop))
        try await running.value
    }
}
