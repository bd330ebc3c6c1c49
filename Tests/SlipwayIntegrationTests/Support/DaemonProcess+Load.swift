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
