import Foundation
import SlipwayCore
import SlipwayModel
import Synchronization

/// In-memory fakes of Core's own protocols; the world outside (processes, sockets, git) is tested
/// for real in the adapters' targets. The world holds what runs; its exits go straight to the
/// controller under test (`exitHandler`), as its supervision loop would take them from a runtime,
/// so a test knows an exit has been handled when the call that caused it returns.
final class World: Sendable {
    struct State {
        var unhealthyVersions: Set<String> = []
        /// Instances (by port, which is their pid here) whose every probe fails, whatever their release.
        var unhealthyPorts: Set<Int> = []
        /// Paths every probe of fails (a smoke test's endpoint), whatever the release.
        var failingPaths: Set<String> = []
        var failingBuilds: Set<String> = []
        /// Versions whose process exits with status 127 as soon as it is started.
        var exitingAtOnce: Set<String> = []
        var alive: Set<Instance> = []
        var stopped: [Instance] = []
        var started: [Instance] = []
        var nextPid: Int32 = 1000
        /// What every instance has printed.
        var output = "fake log"
    }
    let state = Mutex(State())
    let exitHandler = Mutex<(@Sendable (InstanceExit) async -> Void)?>(nil)
    /// The runtime's stream, for the protocol: the controller's loop is not run here (exits go to `exitHandler`).
    let exits: AsyncStream<InstanceExit> = AsyncStream { _ in }

    func setHealthy(_ version: String, _ healthy: Bool) {
        state.withLock { if healthy { $0.unhealthyVersions.remove(version) } else { $0.unhealthyVersions.insert(version) } }
    }

    /// The `n`th instance started from now on (1: the next) answers probes with 503, or again 200.
    func setHealthy(nthNext n: Int, _ healthy: Bool) {
        state.withLock {
            let port = Int($0.nextPid) + n
            if healthy { $0.unhealthyPorts.remove(port) } else { $0.unhealthyPorts.insert(port) }
        }
    }

    func setHealthy(_ instance: Instance, _ healthy: Bool) {
        state.withLock { if healthy { $0.unhealthyPorts.remove(instance.port) } else { $0.unhealthyPorts.insert(instance.port) } }
    }

    func report(_ exit: InstanceExit) async {
        await exitHandler.withLock { $0 }?(exit)
    }

    /// The instance dies unasked; returns once the controller has handled the exit.
    func crash(_ instance: Instance) async {
        let wasAlive = state.withLock { $0.alive.remove(instance) != nil }
        if wasAlive { await report(InstanceExit(instance: instance, status: 1, signal: nil, requested: false)) }
    }

    var aliveInstances: Set<Instance> { state.withLock { $0.alive } }
    var stoppedInstances: [Instance] { state.withLock { $0.stopped } }
    var startedInstances: [Instance] { state.withLock { $0.started } }
}

struct FakeRuntime: Runtime {
    let world: World

    func start(_ release: Release, service: ServiceConfig) async throws -> Instance {
        let (instance, exitsAtOnce) = world.state.withLock { state in
            state.nextPid += 1
            var instance = Instance(service: service.name, releaseID: release.id, pid: state.nextPid,
                                    port: Int(state.nextPid), startToken: 1, logFile: "/dev/null")
            instance.key = service.key
            state.started.append(instance)
            let exits = state.exitingAtOnce.contains(release.version)
            if !exits { state.alive.insert(instance) }
            return (instance, exits)
        }
        if exitsAtOnce {
            // As a real runtime can: the exit is reported, and handled, before `start` has returned
            // to the deployment, so before its health gate has claimed the instance.
            await world.report(InstanceExit(instance: instance, status: 127, signal: nil, requested: false))
        }
        return instance
    }

    func stop(_ instance: Instance, timeout: Duration) async {
        let wasAlive = world.state.withLock { state -> Bool in
            state.stopped.append(instance)
            return state.alive.remove(instance) != nil
        }
        if wasAlive { await world.report(InstanceExit(instance: instance, status: 0, signal: nil, requested: true)) }
    }

    func isAlive(_ instance: Instance) async -> Bool { world.aliveInstances.contains(instance) }
    func adopt(_ instance: Instance) async {}
    var exits: AsyncStream<InstanceExit> { world.exits }
    func logTail(_ instance: Instance, lines: Int) async -> String { "\(world.state.withLock { $0.output }) of \(instance.releaseID)" }
    func unrecorded(excluding recorded: [Instance]) async -> [Instance] {
        world.aliveInstances.filter { !recorded.contains($0) }.sorted { $0.pid < $1.pid }
    }
}

/// Lines appended by fakes (builds, commands, migrations), and a wait for a count of them that
/// is resumed by the append that makes it.
final class Ledger: Sendable {
    private struct State {
        var lines: [String] = []
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }
    private let state = Mutex(State())

    func append(_ line: String) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.lines.append(line)
            let ready = state.waiters.filter { $0.count <= state.lines.count }
            state.waiters.removeAll { $0.count <= state.lines.count }
            return ready.map(\.continuation)
        }
        for waiter in ready { waiter.resume() }
    }

    var all: [String] { state.withLock { $0.lines } }

    func waitForCount(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                if state.lines.count >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if now { continuation.resume() }
        }
    }
}
