import Foundation
import SlipwayTestSupport
import Testing
@testable import SlipwayCLI

extension DaemonProcess {
    /// Runs `body` while `clients` clients request `path` through the proxy without pause; returns
    /// what they saw. `releaseOf` tells which release answered (default: the example's greeting).
    func underLoad(clients: Int = 4, path: String = "/",
                   releaseOf: (@Sendable (_ versionHeader: String?, _ body: String) -> String?)? = nil,
                   _ body: (LoadGenerator) async throws -> Void) async throws -> LoadGenerator.Counts {
        let load = releaseOf.map { LoadGenerator(url: url + path, clients: clients, releaseOf: $0) }
            ?? LoadGenerator(url: url + path, clients: clients)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await load.run() }
            #expect(await eventually { load.snapshot.served > 20 })
            try await body(load)
            group.cancelAll()
        }
        await load.shutdown()
        return load.snapshot
    }
}

extension LoadGenerator {
    /// From now on `version` answers and `gone` does not: `version` takes 100 more requests while
    /// `gone` takes none.
    func expectOnly(_ version: String, not gone: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let before = snapshot
        #expect(try await eventually { self.snapshot.versions[version, default: 0] > before.versions[version, default: 0] + 100 },
                sourceLocation: sourceLocation)
        #expect(snapshot.versions[gone, default: 0] == before.versions[gone, default: 0], "\(gone) still takes requests",
                sourceLocation: sourceLocation)
    }

    /// Stops the load `running` runs and expects that not one request failed.
    func finish(_ running: Task<Void, Never>, sourceLocation: SourceLocation = #_sourceLocation) async {
        stop()
        await running.value
        await shutdown()
        #expect(snapshot.failed == 0, "\(snapshot.failures)", sourceLocation: sourceLocation)
    }
}
