import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SlipwayModel
import SlipwayTestSupport
import Testing
@testable import SlipwayCLI

/// A static site through the real daemon and proxy process: built in the release (one hashed asset
/// referenced from index.html), checked before the switch, served by the proxy with validators,
/// ranges, precompressed variants and the SPA fallback, switched under load with no request lost,
/// the old release's asset still reachable after the switch, a missing asset and a failed publish
/// step refused, and a rollback.
@Suite(.serialized) struct StaticSiteIntegrationTests {
    /// `site.sh` builds `dist/` from the commit's VERSION; `ASSET=missing` leaves out the script the
    /// page references; `publish.sh` records what it was given and fails for PUBLISH=fail.
    static let build = """
        #!/bin/sh
        set -e
        v=$(cat VERSION)
        mkdir -p dist/assets
        printf '<!doctype html><title>site %s</title><script src="/assets/app-%s.js"></script><link rel="stylesheet" href="assets/site.css"><p>%0300d</p>\\n' "$v" "$v" 0 > dist/index.html
        if [ "$(cat ASSET 2>/dev/null)" != missing ]; then
          i=0; while [ $i -lt 80 ]; do echo "console.log('release $v', $i);"; i=$((i+1)); done > dist/assets/app-$v.js
        fi
        echo 'body { color: black; }' > dist/assets/site.css
        printf '<!doctype html><title>not here</title>\\n' > dist/404.html
        """

    static func config(receiver: String, record: String) -> String {
        """
        proxy:
          listen: 127.0.0.1:0
        services:
          site:
            static:
              root: dist
              spa: true
              not_found: 404.html
              headers: { "/assets/*": { Cache-Control: "public, max-age=31536000, immutable" } }
            build: sh site.sh
            retain: 3
            route: { path: / }
            env: { RECORD: '\(record)' }
            smoke:
              - http: { path: /account/settings, expect: { status: 200 } }   # the SPA's entry page, as the proxy answers
            publish:
              - run: 'echo "$SLIPWAY_RELEASE $SLIPWAY_STATIC_ROOT" >> "$RECORD"; [ "$(cat PUBLISH 2>/dev/null)" != fail ]'
              - purge: { url: "http://127.0.0.1:\(receiver)/purge" }
        """
    }

    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    /// Without decompression (the shared client asks for gzip and inflates it), so that what the
    /// proxy chose is what the test sees.
    static let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                                   configuration: HTTPClient.Configuration(decompression: .disabled))

    /// One request with `headers`, its answer's headers by lowercased name.
    static func request(_ url: String, method: HTTPMethod = .GET, headers: [String: String] = [:]) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await client.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 22)
        var fields: [String: String] = [:]
        for header in response.headers { fields[header.name.lowercased()] = header.value }
        return Answer(status: Int(response.status.code), headers: fields, body: String(buffer: body))
    }

    static func version(of page: String) -> String? {
        guard let start = page.range(of: "<title>site ")?.upperBound, let end = page[start...].firstIndex(of: "<") else { return nil }
        return String(page[start..<end])
    }

    func release(_ repository: TestRepository, _ version: String, asset: String? = nil, publish: String? = nil) throws {
        for (name, value) in [("ASSET", asset), ("PUBLISH", publish)] {
            if let value { try repository.write(name, value + "\n") } else { try? FileManager.default.removeItem(atPath: repository.root + "/" + name) }
        }
        try repository.release(version)
    }

    @Test(.timeLimit(.minutes(3))) func aStaticSiteIsBuiltCheckedServedSwitchedAndRolledBack() async throws {
        let receiver = try await NotificationReceiver()
        defer { receiver.stop() }
        let record = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-publish-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: record) }
        let repository = try TestRepository(config: Self.config(receiver: receiver.port, record: record))
        defer { repository.remove() }
        try repository.write("site.sh", Self.build)
        try release(repository, "v1")
        try release(repository, "v2")
        try release(repository, "v3", asset: "missing")
        try release(repository, "v4", publish: "fail")
        let daemon = try await DaemonProcess.start(repository)
        defer { daemon.terminate() }
        let cli = CLI(repository: repository)

        let first = try await cli.run("deploy", "site", "--ref", "v1")
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("precompressed"), "\(first.stdout)")

        // Served by the proxy itself, with validators, ranges and precompressed variants.
        let page = try await Self.request(daemon.url + "/")
        #expect(page.status == 200 && Self.version(of: page.body) == "v1", "\(page)")
        #expect(page.headers["content-type"] == "text/html; charset=utf-8")
        let asset = try await Self.request(daemon.url + "/assets/app-v1.js")
        #expect(asset.status == 200 && asset.body.contains("release v1"))
        #expect(asset.headers["cache-control"] == "public, max-age=31536000, immutable")
        let etag = try #require(asset.headers["etag"])
        #expect(try await Self.request(daemon.url + "/assets/app-v1.js", headers: ["If-None-Match": etag]).status == 304)
        let gzip = try await Self.request(daemon.url + "/assets/app-v1.js", headers: ["Accept-Encoding": "gzip"])
        #expect(gzip.headers["content-encoding"] == "gzip" && gzip.headers["vary"]?.lowercased() == "accept-encoding")
        let range = try await Self.request(daemon.url + "/assets/app-v1.js", headers: ["Range": "bytes=0-6"])
        #expect(range.status == 206 && range.body == "console")
        let route = try await Self.request(daemon.url + "/account/settings")
        #expect(route.status == 200 && Self.version(of: route.body) == "v1", "the SPA's client-side route gets index.html")
        let missing = try await Self.request(daemon.url + "/nothing.png")
        #expect(missing.status == 404 && missing.body.contains("not here"))
        #expect(try await Self.request(daemon.url + "/%2e%2e/slipway.yml").status == 404)
        #expect(try await Self.request(daemon.url + "/", method: .POST).status == 405)

        // v2 under load: no request lost; v1's hashed asset stays reachable for pages loaded before.
        var deployed: CommandResult?
        let counts = try await daemon.underLoad(releaseOf: { _, body in Self.version(of: body) }) { load in
            deployed = try await cli.run("deploy", "site", "--ref", "v2")
            #expect(await eventually { load.snapshot.versions["v2", default: 0] > 0 })
        }
        #expect(deployed?.status == 0, "\(deployed?.stdout ?? "")\(deployed?.stderr ?? "")")
        #expect(counts.failed == 0, "\(counts.failures)")
        #expect(counts.versions["v1", default: 0] > 0 && counts.versions["v2", default: 0] > 0, "\(counts.versions)")
        #expect(try await Self.request(daemon.url + "/assets/app-v2.js").status == 200)
        let retained = try await Self.request(daemon.url + "/assets/app-v1.js")
        #expect(retained.status == 200 && retained.body.contains("release v1"), "the previous release's asset after the switch")
        let published = try String(contentsOfFile: record, encoding: .utf8).split(separator: "\n")
        #expect(published.count == 2 && published[1].hasSuffix("/dist"), "\(published)")
        #expect(try receiver.received().filter { $0.path == "/purge" }.count == 2)

        // A build whose page references a file it did not write is refused before the switch.
        let broken = try await cli.run("deploy", "site", "--ref", "v3")
        #expect(broken.status == 3, "\(broken.stdout)\(broken.stderr)")
        #expect(broken.stdout.contains("/assets/app-v3.js"), "\(broken.stdout)")
        #expect(Self.version(of: try await Self.request(daemon.url + "/").body) == "v2")

        // A publish step that fails rolls the site back (exit 4), naming the step.
        let unpublished = try await cli.run("deploy", "site", "--ref", "v4")
        #expect(unpublished.status == 4, "\(unpublished.stdout)\(unpublished.stderr)")
        #expect(unpublished.stdout.contains("publish step 1"), "\(unpublished.stdout)")
        #expect(Self.version(of: try await Self.request(daemon.url + "/").body) == "v2")
        let record4 = try #require(try await cli.json([Deployment].self, "history", "site").first)
        #expect(record4.outcome == .rolledBack)
        #expect(record4.stages.contains { $0.name == .publish && $0.outcome == .failed })

        // A rollback is a switch back to v1's files.
        let back = try await cli.run("rollback", "site")
        #expect(back.status == 0, "\(back.stdout)\(back.stderr)")
        #expect(Self.version(of: try await Self.request(daemon.url + "/").body) == "v1")
        let status = try #require(try await cli.status().services.first)
        #expect(status.name == "site" && status.activeRelease?.version == "v1" && status.pid == nil)

        // A daemon started again re-adopts the site: its files are still whole, so it serves on.
        daemon.terminate()
        let again = try await DaemonProcess.start(repository)
        defer { again.terminate() }
        #expect(Self.version(of: try await Self.request(again.url + "/").body) == "v1")
        #expect(try await cli.status().services.first?.activeRelease?.version == "v1")
        let audit = try await cli.run("audit", "site")
        #expect(audit.stdout.contains("still serving: files at "), "\(audit.stdout)")
    }
}
