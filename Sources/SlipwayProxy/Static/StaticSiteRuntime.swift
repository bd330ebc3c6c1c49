import Foundation
import SlipwayCore
import SlipwayModel

/// A static site as Core's `Runtime`: there is no process. Starting a release checks that its
/// files are whole (`SiteAssetCheck`) and returns an instance that carries its `StaticSite`, which
/// the route leads to and the proxy serves; stopping it leaves the files (retention prunes them).
package struct StaticSiteRuntime: Runtime {
    /// Never yields and never ends: a site has no process that could exit, so there is nothing to
    /// report, and a consumer waits on it until cancelled as on any runtime's (a stream that ended
    /// would end the loop that merges it with others, and with it a service of the daemon).
    package let exits: AsyncStream<InstanceExit>
    /// Kept so the stream stays open: it finishes when its last continuation goes.
    private let exitSink: AsyncStream<InstanceExit>.Continuation

    package init() {
        (exits, exitSink) = AsyncStream.makeStream(of: InstanceExit.self)
    }

    package func start(_ release: Release, service: ServiceConfig) async throws -> Instance {
        guard let config = service.staticSite else {
            throw SlipwayError(.startFailed, "service \(service.name) is not a static site (no static: settings)",
                               context: ErrorContext(service: service.name))
        }
        let site = config.site(releaseDirectory: release.directory)
        if let problem = SiteAssetCheck.problem(in: site, routePrefix: service.route.path, rootName: config.root) {
            throw SlipwayError(.startFailed, "release \(release.id) of \(service.name) is incomplete: \(problem)",
                               context: ErrorContext(service: service.name))
        }
        var instance = Instance(service: service.name, releaseID: release.id, pid: 0, port: 0, startToken: 0, logFile: "", site: site)
        instance.key = service.key
        return instance
    }

    package func stop(_ instance: Instance, timeout: Duration) async {}

    package func isAlive(_ instance: Instance) async -> Bool {
        guard let site = instance.site else { return false }
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: site.root + "/" + SiteLookup.relative(site.entry), isDirectory: &isDirectory)
            && !isDirectory.boolValue
    }

    package func adopt(_ instance: Instance) async {}

    package func logTail(_ instance: Instance, lines: Int) async -> String { "" }

    package func unrecorded(excluding recorded: [Instance]) async -> [Instance] { [] }
}
