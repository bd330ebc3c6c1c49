import Foundation
import SlipwayModel
import Synchronization
import Testing
@testable import SlipwayProxy

@Suite struct RetainedAssetsTests {
    static func releases(retainSeconds: Int = 3600) throws -> (SiteRelease, SiteRelease) {
        (try SiteRelease("r1", files: ["index.html": "one", "assets/app-1111.js": "v1"], retainSeconds: retainSeconds),
         try SiteRelease("r2", files: ["index.html": "two", "assets/app-2222.js": "v2"], retainSeconds: retainSeconds))
    }

    @Test func oldReleasesAssetsStillAnswerAfterASwitch() async throws {
        let (old, new) = try Self.releases()
        try await withStaticSite(old) { proxy, client async throws in
            #expect(try await client.get("/assets/app-2222.js").status == 404)
            await proxy.switchTraffic(service: "site", to: new.upstream)
            #expect(try await client.get("/").body == "two")
            #expect(try await client.get("/assets/app-2222.js").body == "v2")
            // A page loaded from the old release just before the switch still gets its bundle.
            #expect(try await client.get("/assets/app-1111.js").body == "v1")
            #expect(try await client.get("/assets/app-3333.js").status == 404)
            // Exact files only: the old release's directory index is not a fallback.
            #expect(try await client.get("/assets/").status == 404)

            // Kept across a restart or a hand-off: the table carries it, and an older table without it still reads.
            let snapshot = proxy.routeSnapshot()
            #expect(snapshot.first?.retired?.map(\.site) == [old.site])
            let decoded = try JSONDecoder().decode([ProxyRoute].self, from: JSONEncoder().encode(snapshot))
            #expect(decoded == snapshot)
            let older = try JSONDecoder().decode(ProxyRoute.self, from: Data(#"{"service":{"environment":"default","service":"site"},"path":"/"}"#.utf8))
            #expect(older.retired == nil)
            try await withProxy { successor, successorClient async throws in
                await successor.restore(decoded)
                #expect(try await successorClient.get("/assets/app-1111.js").body == "v1")
            }

            // Switched back: the old release is routed again and the new one retained in its turn.
            await proxy.switchTraffic(service: "site", to: old.upstream)
            #expect(try await client.get("/").body == "one")
            #expect(try await client.get("/assets/app-2222.js").body == "v2")
            #expect(proxy.routeSnapshot().first?.retired?.map(\.site) == [new.site])
        }
    }

    @Test func retainedSitesExpire() async throws {
        let (old, new) = try Self.releases(retainSeconds: 1)
        // The proxy's wall clock, moved by the test: retention is a date, not a wait.
        let clock = Mutex(1_800_000_000.0)
        try await withStaticSite(old, now: { clock.withLock { $0 } }) { proxy, client async throws in
            await proxy.switchTraffic(service: "site", to: new.upstream)
            #expect(try await client.get("/assets/app-1111.js").status == 200)
            clock.withLock { $0 += 1.1 }
            #expect(try await client.get("/assets/app-1111.js").status == 404)
            // Dropped from the table at the next change.
            await proxy.switchTraffic(service: "site", to: new.upstream)
            #expect(proxy.routeSnapshot().first?.retired == nil)
        }
    }

    @Test func assetsOfAnotherRoutedReleaseAnswerDuringARollout() async throws {
        let (old, new) = try Self.releases()
        try await withStaticSite(old) { proxy, client async throws in
            await proxy.route(service: "site", to: Backends(releases: [
                ReleaseBackends(releaseID: "r1", upstreams: [old.upstream], weight: 50),
                ReleaseBackends(releaseID: "r2", upstreams: [new.upstream], weight: 50),
            ]))
            for _ in 0..<4 {
                #expect(try await client.get("/assets/app-1111.js").body == "v1")
                #expect(try await client.get("/assets/app-2222.js").body == "v2")
            }
        }
    }

    @Test func switchUnderLoadBetweenTwoSitesLosesNoRequest() async throws {
        let (old, new) = try Self.releases()
        try await withStaticSite(old) { proxy, client async throws in
            let load = LoadRecord()
            let (clients, requestsPerClient) = (8, 100)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<clients {
                    group.addTask {
                        for _ in 0..<requestsPerClient {
                            do {
                                let response = try await client.get("/")
                                if response.status != 200 || (response.body != "one" && response.body != "two") {
                                    load.fail("status \(response.status): \(response.body)")
                                }
                            } catch {
                                load.fail("\(error)")
                            }
                            load.count()
                        }
                    }
                }
                group.addTask {
                    var switches = 0
                    while load.completed < clients * requestsPerClient {
                        await proxy.switchTraffic(service: "site", to: switches % 2 == 0 ? new.upstream : old.upstream)
                        switches += 1
                        await load.wait(forCompleted: min(load.completed + 10, clients * requestsPerClient))
                    }
                }
                try await group.waitForAll()
            }
            #expect(load.failures == [])
            let served = await proxy.statistics().filter { $0.upstream.site != nil }
            #expect(served.count == 2)
            #expect(served.reduce(0) { $0 + $1.status2xx } == clients * requestsPerClient)
        }
    }
}
