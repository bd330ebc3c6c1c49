import Foundation
import SlipwayCore
import SlipwayModel

/// Builds a release whose version is the ref; refs in `failingBuilds` fail; an optional gate holds
/// exports; `buildGate` holds builds (after their stage began).
struct FakeBuilder: ReleaseBuilder {
    let world: World
    let gate: BuildGate?
    var buildGate: BuildGate? = nil
    let ledger = Ledger()

    func export(service: ServiceConfig, ref: String, log: @escaping @Sendable (String) -> Void) async throws -> StagedRelease {
        if let gate { await gate.wait() }
        log("exporting \(ref)")
        if ref == "missing" { throw SlipwayError(.refNotFound, "ref \"missing\" does not resolve to a commit") }
        let commit = ref  // the fake change source treats refs as commits
        var release = Release(id: "r-\(ref)-\(UUID().uuidString.prefix(6))", service: service.name, ref: ref, commit: commit,
                              version: ref, directory: "/releases/\(ref)", createdAt: Date(), buildSeconds: 0)
        release.key = service.key
        return StagedRelease(release: release, directory: "/releases/.tmp-\(ref)")
    }

    func build(_ exported: StagedRelease, service: ServiceConfig, log: @escaping @Sendable (String) -> Void) async throws -> StagedRelease {
        let ref = exported.release.ref
        ledger.append("build \(ref)")
        log("building \(ref)")
        if let buildGate { await buildGate.wait() }
        try Task.checkCancellation()
        if world.state.withLock({ $0.failingBuilds.contains(ref) }) {
            throw SlipwayError(.buildFailed, "build of \(service.name) at \(ref) failed: exit status 1")
        }
        var built = exported
        built.release.buildSeconds = 0.01
        return built
    }

    func publish(_ staged: StagedRelease) async throws -> Release {
        ledger.append("publish \(staged.release.ref)")
        var release = staged.release
        if release.artifact == nil { release.artifact = "sha256:\(release.ref)" }
        return release
    }

    func promote(_ release: Release, service: ServiceConfig, log: @escaping @Sendable (String) -> Void) async throws -> StagedRelease {
        ledger.append("promote \(release.id)")
        var copy = release
        copy.id = "r-\(release.ref)-\(UUID().uuidString.prefix(6))"
        copy.key = service.key
        return StagedRelease(release: copy, directory: "/releases/.tmp-promoted-\(release.ref)")
    }

    func discard(_ exported: StagedRelease) async { ledger.append("discard \(exported.release.ref)") }

    func remove(_ release: Release) async throws { ledger.append("remove \(release.ref)") }
}

/// Holds whoever waits until `release`; a cancelled waiter is let go (as a real build's processes would be killed).
actor BuildGate {
    private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    private var open = false
    private(set) var arrived = 0
    private var arrivalWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

    /// Returns once `count` callers have reached the gate: resumed by the arrival, not polled.
    func waitForArrivals(_ count: Int) async {
        if arrived >= count { return }
        await withCheckedContinuation { arrivalWaiters.append((count, $0)) }
    }

    func wait() async {
        arrived += 1
        for waiter in arrivalWaiters where waiter.count <= arrived { waiter.continuation.resume() }
        arrivalWaiters.removeAll { $0.count <= arrived }
        if open { return }
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled { continuation.resume() } else { waiters[id] = continuation }
            }
        } onCancel: {
            Task { await self.letGo(id) }
        }
    }

    private func letGo(_ id: UUID) {
        waiters.removeValue(forKey: id)?.resume()
    }

    /// Holds the callers that come from now on again.
    func close() { open = false }

    func release() {
        open = true
        for waiter in waiters.values { waiter.resume() }
        waiters.removeAll()
    }
}
