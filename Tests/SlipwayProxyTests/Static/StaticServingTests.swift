import Foundation
import SlipwayModel
import Testing
@testable import SlipwayProxy

@Suite struct StaticServingTests {
    static let files = [
        "index.html": "<html>home</html>",
        "app.css": "body{}",
        "assets/app-3f9a.js": "console.log(1)",
        "docs/index.html": "docs",
        "data.json": "{}",
        "img/logo.svg": "<svg/>",
        "font.woff2": "wo",
        "file.unknownext": "x",
        "a.wasm": "w",
    ]

    @Test func servesFilesWithTheirTypesAndValidators() async throws {
        let release = try SiteRelease(files: Self.files)
        try await withStaticSite(release) { proxy, client async throws in
            let page = try await client.get("/index.html")
            #expect(page.status == 200)
            #expect(page.body == "<html>home</html>")
            #expect(page.header("content-type") == "text/html; charset=utf-8")
            #expect(page.header("content-length") == "17")
            #expect(page.header("accept-ranges") == "bytes")
            let etag = try #require(page.header("etag"))
            #expect(etag.hasPrefix("\"") && etag.hasSuffix("\"") && etag.count == 18)
            let lastModified = try #require(page.header("last-modified"))
            #expect(lastModified.hasSuffix(" GMT"))
            #expect(page.header("vary") == nil)
            for (path, type) in [("/app.css", "text/css; charset=utf-8"), ("/assets/app-3f9a.js", "text/javascript; charset=utf-8"),
                                 ("/data.json", "application/json; charset=utf-8"), ("/img/logo.svg", "image/svg+xml; charset=utf-8"),
                                 ("/font.woff2", "font/woff2"), ("/file.unknownext", "application/octet-stream"),
                                 ("/a.wasm", "application/wasm")] {
                let response = try await client.get(path)
                #expect(response.status == 200, "\(path)")
                #expect(response.header("content-type") == type, "\(path)")
            }
            // The query is ignored; counted on the site's upstream like a proxied request.
            #expect(try await client.get("/app.css?v=2").body == "body{}")
            let stats = try #require(await proxy.statistics().first)
            #expect(stats.upstream == release.upstream)
            #expect(stats.responses == 9)
            #expect(stats.status2xx == 9)
            #expect(stats.inFlight == 0)
        }
    }

    @Test func directoriesGetTheirIndexOrARedirectNeverAListing() async throws {
        let release = try SiteRelease(files: Self.files)
        try await withStaticSite(release) { _, client async throws in
            #expect(try await client.get("/").body == "<html>home</html>")
            #expect(try await client.get("/docs/").body == "docs")
            let redirect = try await client.get("/docs?x=1")
            #expect(redirect.status == 301)
            #expect(redirect.header("location") == "/docs/?x=1")
            // A directory without an index is not listed.
            #expect(try await client.get("/assets/").status == 404)
            // A file asked for as a directory is not one.
            #expect(try await client.get("/app.css/").status == 404)
        }
    }

    @Test func onlyGetAndHeadAreAnswered() async throws {
        let release = try SiteRelease(files: Self.files)
        try await withStaticSite(release) { _, client async throws in
            let post = try await client.get("/index.html", method: .POST)
            #expect(post.status == 405)
            #expect(post.header("allow") == "GET, HEAD")
            let head = try await client.get("/index.html", method: .HEAD)
            #expect(head.status == 200)
            #expect(head.header("content-length") == "17")
            #expect(head.body.isEmpty)
        }
    }

    @Test func conditionalRequestsAnswerNotModified() async throws {
        let release = try SiteRelease(files: Self.files)
        try await withStaticSite(release) { _, client async throws in
            let first = try await client.get("/app.css")
            let etag = try #require(first.header("etag"))
            let lastModified = try #require(first.header("last-modified"))
            for value in [etag, "W/\(etag)", "\"other\", \(etag)", "*"] {
                let again = try await client.get("/app.css", headers: [("If-None-Match", value)])
                #expect(again.status == 304, "\(value)")
                #expect(again.body.isEmpty)
                #expect(again.header("etag") == etag)
            }
            #expect(try await client.get("/app.css", headers: [("If-None-Match", "\"other\"")]).status == 200)
            #expect(try await client.get("/app.css", headers: [("If-Modified-Since", lastModified)]).status == 304)
            #expect(try await client.get("/app.css", headers: [("If-Modified-Since", "Sat, 01 Jan 2000 00:00:00 GMT")]).status == 200)
            // If-None-Match decides alone when present.
            #expect(try await client.get("/app.css", headers: [("If-None-Match", "\"other\""), ("If-Modified-Since", lastModified)]).status == 200)
        }
    }

    @Test func rangesArePartialUnsatisfiableOrWhole() async throws {
        let release = try SiteRelease(files: ["ten.txt": "0123456789"])
        try await withStaticSite(release) { _, client async throws in
            let middle = try await client.get("/ten.txt", headers: [("Range", "bytes=2-4")])
            #expect(middle.status == 206)
            #expect(middle.body == "234")
            #expect(middle.header("content-range") == "bytes 2-4/10")
            #expect(middle.header("content-length") == "3")
            #expect(try await client.get("/ten.txt", headers: [("Range", "bytes=7-")]).body == "789")
            #expect(try await client.get("/ten.txt", headers: [("Range", "bytes=-3")]).body == "789")
            #expect(try await client.get("/ten.txt", headers: [("Range", "bytes=8-100")]).body == "89")
            let beyond = try await client.get("/ten.txt", headers: [("Range", "bytes=10-")])
            #expect(beyond.status == 416)
            #expect(beyond.header("content-range") == "bytes */10")
            let several = try await client.get("/ten.txt", headers: [("Range", "bytes=0-1,4-5")])
            #expect(several.status == 200)
            #expect(several.body == "0123456789")
            let etag = try #require(several.header("etag"))
            #expect(try await client.get("/ten.txt", headers: [("Range", "bytes=0-1"), ("If-Range", etag)]).status == 206)
            let stale = try await client.get("/ten.txt", headers: [("Range", "bytes=0-1"), ("If-Range", "\"old\"")])
            #expect(stale.status == 200)
            #expect(stale.body == "0123456789")
            let lastModified = try #require(several.header("last-modified"))
            #expect(try await client.get("/ten.txt", headers: [("Range", "bytes=0-1"), ("If-Range", lastModified)]).status == 206)
        }
    }

    @Test func precompressedVariantsFollowAcceptEncoding() async throws {
        let release = try SiteRelease(files: ["app.js": "plain", "app.js.br": "brotli", "app.js.gz": "gzipped", "only.css": "c", "only.css.gz": "gz"])
        try await withStaticSite(release) { _, client async throws in
            let plain = try await client.get("/app.js")
            #expect(plain.body == "plain")
            #expect(plain.header("content-encoding") == nil)
            #expect(plain.header("vary") == "Accept-Encoding")
            let brotli = try await client.get("/app.js", headers: [("Accept-Encoding", "gzip, deflate, br")])
            #expect(brotli.body == "brotli")
            #expect(brotli.header("content-encoding") == "br")
            #expect(brotli.header("content-type") == "text/javascript; charset=utf-8")
            #expect(brotli.header("vary") == "Accept-Encoding")
            let plainTag = try #require(plain.header("etag"))
            // The variant's own tag (its bytes' hash, marked with its coding): a cache holding one coding never answers for another.
            let brotliTag = try #require(brotli.header("etag"))
            #expect(brotliTag.hasSuffix("-br\"") && brotliTag != plainTag)
            #expect(try await client.get("/app.js", headers: [("Accept-Encoding", "gzip")]).body == "gzipped")
            #expect(try await client.get("/app.js", headers: [("Accept-Encoding", "br;q=0, gzip")]).body == "gzipped")
            #expect(try await client.get("/app.js", headers: [("Accept-Encoding", "br;q=0.5, gzip;q=0.8")]).body == "gzipped")
            #expect(try await client.get("/app.js", headers: [("Accept-Encoding", "br;q=0, gzip;q=0")]).body == "plain")
            #expect(try await client.get("/app.js", headers: [("Accept-Encoding", "identity;q=1, br;q=0.5")]).body == "plain")
            #expect(try await client.get("/app.js", headers: [("Accept-Encoding", "*")]).body == "brotli")
            #expect(try await client.get("/only.css", headers: [("Accept-Encoding", "br, gzip")]).body == "gz")
            // A variant asked for by name is just a file.
            let named = try await client.get("/app.js.gz", headers: [("Accept-Encoding", "br")])
            #expect(named.body == "gzipped")
            #expect(named.header("content-encoding") == nil)
        }
    }

    @Test func singlePageAppFallsBackToItsEntry() async throws {
        let spa = try SiteRelease(files: Self.files, spa: true)
        try await withStaticSite(spa) { _, client async throws in
            let route = try await client.get("/users/42")
            #expect(route.status == 200)
            #expect(route.body == "<html>home</html>")
            #expect(route.header("cache-control") == "no-cache")
            #expect(try await client.get("/missing.js").status == 404)
        }
        let site = try SiteRelease(files: Self.files)
        try await withStaticSite(site) { _, client async throws in
            let missing = try await client.get("/users/42")
            #expect(missing.status == 404)
            #expect(missing.body == "not found\n")
        }
    }

    @Test func notFoundPageIsTheBodyOfA404() async throws {
        let release = try SiteRelease(files: ["index.html": "home", "404.html": "<h1>gone</h1>"], notFound: "404.html")
        try await withStaticSite(release) { _, client async throws in
            let missing = try await client.get("/nothing/here")
            #expect(missing.status == 404)
            #expect(missing.body == "<h1>gone</h1>")
            #expect(missing.header("content-type") == "text/html; charset=utf-8")
        }
    }

    @Test func headerRulesApplyByGlobInOrder() async throws {
        let rules = [
            StaticHeaderRule(pattern: "/*", fields: [HeaderField(name: "X-Frame-Options", value: "DENY"),
                                                    HeaderField(name: "Cache-Control", value: "public, max-age=60")]),
            StaticHeaderRule(pattern: "/assets/*", fields: [HeaderField(name: "Cache-Control", value: "public, max-age=31536000, immutable")]),
            StaticHeaderRule(pattern: "/index.html", fields: [HeaderField(name: "Cache-Control", value: "no-store")]),
            StaticHeaderRule(pattern: "/*.json", fields: [HeaderField(name: "Content-Type", value: "application/vnd.test+json")]),
        ]
        let release = try SiteRelease(files: Self.files, spa: true, headers: rules)
        try await withStaticSite(release, route: RouteConfig(path: "/app")) { _, client async throws in
            let asset = try await client.get("/app/assets/app-3f9a.js")
            #expect(asset.header("cache-control") == "public, max-age=31536000, immutable")
            #expect(asset.header("x-frame-options") == "DENY")
            #expect(try await client.get("/app/app.css").header("cache-control") == "public, max-age=60")
            // The index answering `/` takes the rules of `/index.html`; so does the entry of a client route.
            #expect(try await client.get("/app/").header("cache-control") == "no-store")
            #expect(try await client.get("/app/users/1").header("cache-control") == "no-store")
            #expect(try await client.get("/app/data.json").header("content-type") == "application/vnd.test+json")
        }
    }

    @Test func routePrefixIsStrippedAsAnAlias() async throws {
        let release = try SiteRelease(files: Self.files)
        try await withStaticSite(release, route: RouteConfig(path: "/app/")) { _, client async throws in
            #expect(try await client.get("/app/assets/app-3f9a.js").body == "console.log(1)")
            #expect(try await client.get("/app/").body == "<html>home</html>")
            let bare = try await client.get("/app")
            #expect(bare.status == 301)
            #expect(bare.header("location") == "/app/")
            #expect(try await client.get("/assets/app-3f9a.js").status == 404)
        }
    }

    @Test func traversalAndDotfilesAreNotFound() async throws {
        let release = try SiteRelease(files: Self.files.merging([".env": "SECRET=1", ".well-known/security.txt": "contact", "sub/.git/config": "x"]) { a, _ in a })
        let outside = try SiteRelease("out", files: ["secret.txt": "outside"])
        try FileManager.default.createSymbolicLink(atPath: release.directory.path("dist/leak.txt"), withDestinationPath: outside.directory.path("dist/secret.txt"))
        try FileManager.default.createSymbolicLink(atPath: release.directory.path("dist/leakdir"), withDestinationPath: outside.directory.path("dist"))
        try FileManager.default.createSymbolicLink(atPath: release.directory.path("dist/alias.css"), withDestinationPath: "app.css")
        try await withStaticSite(release) { _, client async throws in
            for target in ["/../dist/index.html", "/%2e%2e/dist/index.html", "/..%2fdist/index.html", "/assets/..%2F..%2Fdist/index.html",
                           "/index.html%00", "/assets%5c..%5cindex.html", "/.env", "/sub/.git/config", "/leak.txt", "/leakdir/secret.txt",
                           "/%zz"] {
                let text = try await RawHTTP.exchange(port: client.port, "GET \(target) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                #expect(rawResponses(text).first?.status == 404, "\(target): \(text.prefix(40))")
            }
            let etc = try await RawHTTP.exchange(port: client.port, "GET /../../../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(rawResponses(etc).first?.status == 404)
            #expect(!etc.contains("root:"))
            #expect(try await client.get("/.well-known/security.txt").body == "contact")
            #expect(try await client.get("/alias.css").body == "body{}")
        }
    }

    @Test func discardedBodyKeepsTheConnectionAndPipelinesInOrder() async throws {
        let release = try SiteRelease(files: Self.files)
        try await withStaticSite(release) { _, client async throws in
            let text = try await RawHTTP.exchange(port: client.port, """
                GET /app.css HTTP/1.1\r
                Host: x\r
                Content-Length: 5\r
                \r
                helloGET /data.json HTTP/1.1\r
                Host: x\r
                \r
                HEAD /index.html HTTP/1.1\r
                Host: x\r
                \r
                DELETE /index.html HTTP/1.1\r
                Host: x\r
                \r
                GET /docs/ HTTP/1.0\r
                \r

                """)
            let responses = rawResponses(text, heads: [2])
            #expect(responses.map(\.status) == [200, 200, 200, 405, 200])
            #expect(responses[0].body == "body{}")
            #expect(responses[1].body == "{}")
            #expect(responses[2].body.isEmpty)
            #expect(responses[4].body == "docs")
            #expect(responses[4].head.hasPrefix("HTTP/1.0 200"))
        }
    }

    @Test func largeFilesGoFromTheDiskWithRanges() async throws {
        let release = try SiteRelease(files: ["index.html": "x"])
        let size = 3 * 1024 * 1024 + 17
        let text = String(String(repeating: "0123456789abcdef", count: size / 16 + 1).prefix(size))
        try release.write("big.bin", Data(text.utf8))
        try await withStaticSite(release) { _, client async throws in
            let whole = try await client.get("/big.bin")
            #expect(whole.status == 200)
            #expect(whole.header("content-length") == "\(size)")
            #expect(whole.body == text)
            #expect(whole.header("etag") != nil)
            let tail = try await client.get("/big.bin", headers: [("Range", "bytes=-4")])
            #expect(tail.status == 206)
            #expect(tail.body == String(text.suffix(4)))
            #expect(tail.header("content-range") == "bytes \(size - 4)-\(size - 1)/\(size)")
            let middle = try await client.get("/big.bin", headers: [("Range", "bytes=1048576-1048581")])
            #expect(middle.body == String(text.dropFirst(1_048_576).prefix(6)))
        }
    }
}
