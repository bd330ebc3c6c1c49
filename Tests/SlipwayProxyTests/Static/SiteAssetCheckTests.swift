import Foundation
import SlipwayModel
import SlipwayTestSupport
import Testing
@testable import SlipwayProxy

@Suite struct SiteAssetCheckTests {
    @Test func wholeReleasePasses() throws {
        let release = try SiteRelease(files: [
            "index.html": """
                <!doctype html><html><head>
                <link rel="stylesheet" href="/assets/app.css?v=1">
                <link rel=icon href=favicon.ico>
                <link rel="canonical" href="/some/route">
                <link rel="preconnect" href="https://fonts.example.com">
                <script type="module" src="./assets/app-3f9a.js"></script>
                <script>var a = "<img src='/not/checked.png'>"; location.href="/x"</script>
                <!-- <img src="/commented.png"> -->
                </head><body>
                <a href="/about">about</a>
                <img src="data:image/png;base64,AAAA"><img src="https://cdn.example.com/x.png"><img src="//cdn.example.com/y.png">
                <img src="{{ avatar }}"><a href="mailto:a@b.c">m</a>
                <img srcset="img/a-1x.png 1x, /img/a%202x.png 2x" src="img/a-1x.png#frag">
                </body></html>
                """,
            "assets/app.css": "", "favicon.ico": "", "assets/app-3f9a.js": "", "img/a-1x.png": "", "img/a 2x.png": "",
        ])
        #expect(SiteAssetCheck.missing(in: release.site, routePrefix: "/") == [])
        #expect(SiteAssetCheck.problem(in: release.site, routePrefix: nil) == nil)
    }

    @Test func missingAssetsAreNamedWithThePageThatWantsThem() throws {
        let release = try SiteRelease(files: [
            "index.html": #"<script src="/assets/app-3f9a.js"></script><img srcset="/img/b.png 480w, /img/c.png 800w">"#,
            "404.html": #"<link rel="stylesheet" href="../errors.css">"#,
            "img/b.png": "",
        ], notFound: "404.html")
        let problem = try #require(SiteAssetCheck.problem(in: release.site, routePrefix: "/", rootName: "dist"))
        #expect(problem.contains("index.html references /assets/app-3f9a.js, which is not in the release (dist/assets/app-3f9a.js)"))
        #expect(problem.contains("index.html references /img/c.png, which is not in the release (dist/img/c.png)"))
        #expect(problem.contains("404.html references ../errors.css, which is outside the site"))
        #expect(!problem.contains("b.png"))
    }

    @Test func referencesUnderTheRoutePrefixAreToTheSite() throws {
        let release = try SiteRelease(files: [
            "docs/index.html": #"<script src="/app/assets/x.js"></script><img src="../logo.png">"#,
            "assets/x.js": "", "logo.png": "",
        ])
        var site = release.site
        site.entry = "docs/index.html"
        #expect(SiteAssetCheck.missing(in: site, routePrefix: "/app/") == [])
        // Not knowing the prefix (the health probe), the reference is found without its first segment.
        #expect(SiteAssetCheck.missing(in: site, routePrefix: nil) == [])
        #expect(SiteAssetCheck.missing(in: site, routePrefix: "/").map(\.reference) == ["/app/assets/x.js"])
    }

    @Test func aMissingEntryIsReported() throws {
        let release = try SiteRelease(files: ["other.html": ""])
        #expect(SiteAssetCheck.problem(in: release.site, routePrefix: "/", rootName: "dist")
            == "the entry page index.html is not in the release (dist/index.html)")
    }

    @Test func healthProbeAnswersFromTheFiles() async throws {
        let release = try SiteRelease(files: ["index.html": #"<script src="/a.js"></script>"#, "a.js": ""])
        let probe = HTTPHealthProbe()
        // A static site's health check is `/` (its config sets it): the entry page, 200.
        let healthy = await probe.probe(release.upstream, check: HealthCheckConfig(path: "/"))
        #expect(healthy.healthy)
        // An `http:` smoke test's path, answered as the proxy would: status and body judged.
        let missing = await probe.probe(release.upstream, check: HealthCheckConfig(path: "/nothing.html"))
        #expect(!missing.healthy && missing.status == 404)
        let script = await probe.probe(release.upstream, check: HealthCheckConfig(path: "/a.js?v=1"))
        #expect(script.healthy && script.status == 200)
        try FileManager.default.removeItem(atPath: release.directory.path("dist/a.js"))
        let broken = await probe.probe(release.upstream, check: HealthCheckConfig(path: "/"))
        #expect(!broken.healthy)
        #expect(broken.reason?.contains("/a.js") == true)
        await probe.shutdown()
    }
}

@Suite struct StaticSiteRuntimeTests {
    func service(root: String = "dist") -> ServiceConfig {
        var service = ServiceConfig(name: "web", run: "", route: RouteConfig(path: "/"), runtime: .staticSite)
        service.staticSite = StaticSiteConfig(root: root)
        return service
    }

    func release(in directory: TemporaryDirectory) -> Release {
        Release(id: "20260101000000-abc1234", service: "web", ref: "main", commit: "abc1234", version: "abc1234",
                directory: directory.path, createdAt: Date(), buildSeconds: 0)
    }

    @Test func startReturnsAnInstanceCarryingTheSite() async throws {
        let directory = try TemporaryDirectory(prefix: "slipway-static-runtime")
        try directory.write("dist/index.html", #"<script src="/app.js"></script>"#)
        try directory.write("dist/app.js", "")
        let runtime = StaticSiteRuntime()
        let instance = try await runtime.start(release(in: directory), service: service())
        #expect(instance.pid == 0 && instance.port == 0)
        #expect(instance.site?.root == directory.path("dist"))
        #expect(instance.upstream.site == instance.site)
        #expect(await runtime.isAlive(instance))
        await runtime.stop(instance, timeout: .seconds(1))
        #expect(FileManager.default.fileExists(atPath: directory.path("dist/index.html")))
        try FileManager.default.removeItem(atPath: directory.path("dist/index.html"))
        #expect(await runtime.isAlive(instance) == false)
    }

    @Test func startFailsNamingTheMissingFile() async throws {
        let directory = try TemporaryDirectory(prefix: "slipway-static-runtime")
        try directory.write("dist/index.html", #"<script src="/assets/app-3f9a.js"></script>"#)
        do {
            _ = try await StaticSiteRuntime().start(release(in: directory), service: service())
            Issue.record("started an incomplete release")
        } catch let error as SlipwayError {
            #expect(error.code == .startFailed)
            #expect(error.context.service == "web")
            #expect(error.message.contains("index.html references /assets/app-3f9a.js, which is not in the release (dist/assets/app-3f9a.js)"))
        }
    }
}
