import Foundation
import SlipwayModel

extension GitReleaseBuilder {
    /// Runs the service's `build` through `/bin/sh -c` in the staging directory, each output line
    /// to `log`. Returns its duration in seconds; throws `buildFailed` with its last lines of output
    /// when it exits non-zero or runs past `buildTimeout` (then its whole process group is killed).
    func runBuild(_ script: String, of release: Release, service: ServiceConfig, in directory: String,
                  log: @escaping @Sendable (String) -> Void) async throws -> Double {
        let command = Command(executable: "/bin/sh", arguments: ["-c", script],
                              environment: buildEnvironment(release: release, service: service),
                              directory: directory, timeout: service.buildTimeout, redactor: redactor)
        log("$ \(script)")
        let started = ContinuousClock.now
        let outcome: Command.Outcome
        do {
            outcome = try await command.run(lines: log)
        } catch let error as CommandError {
            throw SlipwayError(.buildFailed, "build of \(service.name) at \(release.version) failed: \(error)",
                               context: ErrorContext(service: service.name))
        }
        let elapsed = ContinuousClock.now - started
        let seconds = elapsed.seconds
        guard outcome.succeeded else {
            var message = "build of \(service.name) at \(release.version) failed: \(script) \(outcome.summary(timeout: service.buildTimeout))"
            if !outcome.lastLines.isEmpty {
                message += "\nlast output:\n" + outcome.lastLines.joined(separator: "\n")
            }
            throw SlipwayError(.buildFailed, message, context: ErrorContext(service: service.name))
        }
        log("build finished in \(Duration.milliseconds(Int64(seconds * 1000)).shortDescription)")
        return seconds
    }

    /// The daemon's environment, then the service's `env`, then what Slipway sets, which wins.
    func buildEnvironment(release: Release, service: ServiceConfig) -> [String: String] {
        var result = environment
        result.merge(service.env) { _, service in service }
        result["SLIPWAY_SERVICE"] = service.name
        result["SLIPWAY_RELEASE"] = release.id
        result["SLIPWAY_VERSION"] = release.version
        result["SLIPWAY_COMMIT"] = release.commit
        return result
    }
}

extension GitReleaseBuilder {
    /// After a static site's build: its root must be a directory of the release (else the build
    /// failed, exit 2), and its compressible files get their `.gz`/`.br` siblings.
    func prepareSite(_ site: StaticSiteConfig, of service: ServiceConfig, in directory: String,
                     log: @escaping @Sendable (String) -> Void) async throws {
        let root = site.site(releaseDirectory: directory).root
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SlipwayError(.buildFailed, "the static site's root \(site.root) is not a folder of the release after the build "
                               + "(static.root of \(service.name)); the build must write the site there",
                               context: ErrorContext(service: service.name))
        }
        guard site.precompress else { return }
        let started = ContinuousClock.now
        let precompression = Precompression(root: root, brotli: Precompression.findBrotli(path: environment["PATH"]))
        let report = try await precompression.run()
        var line = "precompressed \(report.gzipped) file(s) to .gz"
        line += report.brotliSkipped.map { ", none to .br (\($0))" } ?? " and \(report.brotli) to .br"
        log(line + " in \((ContinuousClock.now - started).shortDescription)")
    }
}
