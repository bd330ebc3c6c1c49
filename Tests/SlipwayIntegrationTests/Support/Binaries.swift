import Foundation

/// The products `swift build` put beside the test bundle: the real `slipway` and the example service.
enum Binaries {
    static var directory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    static func path(_ name: String) -> String {
        var url = directory
        // The test bundle may be a directory (…/slipwayPackageTests.xctest/…); walk up to the products.
        for _ in 0..<4 {
            let candidate = url.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            url = url.deletingLastPathComponent()
        }
        return directory.appendingPathComponent(name).path
    }

    static var slipway: String { path("slipway") }
    static var example: String { path("slipway-example") }
}
