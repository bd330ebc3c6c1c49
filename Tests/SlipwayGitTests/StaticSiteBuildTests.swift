import Foundation
import SlipwayModel
import SlipwayTestSupport
import Testing
@testable import SlipwayGit

/// A static site's build: its root must exist afterwards, and compressible files get `.gz` (and,
/// with a `brotli` program, `.br`) siblings that decompress to the same bytes.
@Suite("Building static sites")
struct StaticSiteBuildTests {
    static func site(_ fixture: GitFixture, build: String, precompress: Bool = true) -> ServiceConfig {
        var service = fixture.service(build: build)
        service.runtime = .staticSite
        service.staticSite = StaticSiteConfig(root: "dist", precompress: precompress)
        return service
    }

    static let script = String(repeating: "console.log('slipway static site');\n", count: 200)

    @Test func compressibleFilesGetDeterministicSiblingsAndOthersDoNot() async throws {
        try await withGitFixture { fixture in
            try fixture.write("build.sh", """
                #!/bin/sh
                mkdir -p dist/assets
                cp src/app.js dist/assets/app-3f9a.js
                printf 'tiny' > dist/assets/tiny.js
                head -c 4096 /dev/urandom > dist/photo.png
                printf '<!doctype html><script src="/assets/app-3f9a.js"></script>%0400d' 0 > dist/index.html
                """, executable: true)
            try fixture.write("src/app.js", Self.script)
            try fixture.commit("site")
            let log = CollectedLog()
            let release = try await fixture.builder().prepare(service: Self.site(fixture, build: "./build.sh"), ref: "HEAD", log: log.sink)
            let dist = release.directory + "/dist"
            let gz = dist + "/assets/app-3f9a.js.gz"
            #expect(FileManager.default.fileExists(atPath: gz))
            #expect(FileManager.default.fileExists(atPath: dist + "/index.html.gz"))
            #expect(!FileManager.default.fileExists(atPath: dist + "/assets/tiny.js.gz"), "below the minimum size")
            #expect(!FileManager.default.fileExists(atPath: dist + "/photo.png.gz"), "not a compressible type")
            let unpacked = try ChildProgram.run("/bin/gzip", ["-dc", gz])
            #expect(unpacked.stdout == Self.script)
            // Same input, same bytes: the release's digest does not depend on when it was built.
            let again = try #require(Precompression.gzip(Data(Self.script.utf8)))
            #expect(try Data(contentsOf: URL(fileURLWithPath: gz)) == again)
            #expect(log.lines.contains { $0.hasPrefix("precompressed 2 file(s) to .gz") })
            if Precompression.findBrotli(path: ProcessInfo.processInfo.environment["PATH"]) != nil {
                #expect(FileManager.default.fileExists(atPath: dist + "/assets/app-3f9a.js.br"))
                let decoded = try ChildProgram.run("/usr/bin/brotli", ["-dc", dist + "/assets/app-3f9a.js.br"])
                #expect(decoded.stdout == Self.script)
            } else {
                #expect(ProcessInfo.processInfo.environment["CI"] == nil, "CI installs brotli: the .br files must be tested there")
            }
        }
    }

    @Test func siblingsTheBuildMadeAreKeptAndPrecompressOffMakesNone() async throws {
        try await withGitFixture { fixture in
            try fixture.write("build.sh", """
                #!/bin/sh
                mkdir -p dist
                cp src/app.js dist/app.js
                echo 'made by the build' > dist/app.js.gz
                cp src/app.js dist/other.js
                """, executable: true)
            try fixture.write("src/app.js", Self.script)
            try fixture.commit("site")
            let kept = try await fixture.builder().prepare(service: Self.site(fixture, build: "./build.sh"), ref: "HEAD", log: { _ in })
            #expect(try String(contentsOfFile: kept.directory + "/dist/app.js.gz", encoding: .utf8) == "made by the build\n")
            #expect(FileManager.default.fileExists(atPath: kept.directory + "/dist/other.js.gz"))

            let off = try await fixture.builder().prepare(service: Self.site(fixture, build: "./build.sh", precompress: false),
                                                          ref: "HEAD", log: { _ in })
            #expect(!FileManager.default.fileExists(atPath: off.directory + "/dist/other.js.gz"))
        }
    }

    @Test func aBuildThatLeavesNoRootFailsNamingIt() async throws {
        try await withGitFixture { fixture in
            try fixture.write("build.sh", "#!/bin/sh\nmkdir -p build\n", executable: true)
            try fixture.commit("site")
            let error = await #expect(throws: SlipwayError.self) {
                try await fixture.builder().prepare(service: Self.site(fixture, build: "./build.sh"), ref: "HEAD", log: { _ in })
            }
            #expect(error?.code == .buildFailed)
            #expect(error?.message.contains("static site's root dist is not a folder of the release") == true)
            #expect(fixture.releaseEntries().isEmpty)
        }
    }
}
