import Foundation

/// The executables `swift build` put beside the test bundle (the real `slipway`, the example
/// service), for tests that run them: a test target that names one among its dependencies has it built.
public enum BuiltProducts {
    public static var directory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    public static func path(_ name: String) -> String {
        var url = directory
        // The test bundle may be a directory (…/slipwayPackageTests.xctest/…); walk up to the products.
        for _ in 0..<4 {
            let candidate = url.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            url = url.deletingLastPathComponent()
        }
        return directory.appendingPathComponent(name).path
    }
}
