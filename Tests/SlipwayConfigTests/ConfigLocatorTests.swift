import Foundation
import SlipwayConfig
import SlipwayModel
import SlipwayTestSupport
import Testing

/// `ConfigLocator.find(from:)` looks as git looks for `.git`: here, then each parent.
@Suite struct ConfigLocatorTests {
    @Test func findsTheFileFromANestedDirectory() throws {
        let root = try TemporaryDirectory()
        let file = try root.write("slipway.yml", minimalServices)
        let nested = try root.makeDirectory("services/web/src")
        #expect(try ConfigLocator.find(from: nested) == file)
        #expect(try ConfigLocator.find(from: root.path) == file)
        #expect(try ConfigLocator.find(from: nested + "/../..") == file)
    }

    @Test func nearestFileWins() throws {
        let root = try TemporaryDirectory()
        try root.write("slipway.yml", minimalServices)
        let inner = try root.write("services/slipway.yml", minimalServices)
        let nested = try root.makeDirectory("services/web")
        #expect(try ConfigLocator.find(from: nested) == inner)
    }

    @Test func directoryNamedLikeTheFileIsPassedOver() throws {
        let root = try TemporaryDirectory()
        let file = try root.write("slipway.yml", minimalServices)
        let nested = try root.makeDirectory("app")
        try root.makeDirectory("app/slipway.yml")
        #expect(try ConfigLocator.find(from: nested) == file)
    }

    @Test func noFileAnywhereAboveIsConfigNotFound() throws {
        let root = try TemporaryDirectory()
        let nested = try root.makeDirectory("a/b")
        // The search goes up to "/": the test means nothing if a slipway.yml sits above the temp directory.
        var ancestor = root.path
        while ancestor != "/" {
            ancestor = (ancestor as NSString).deletingLastPathComponent
            try #require(!FileManager.default.fileExists(atPath: ancestor + "/slipway.yml"))
        }
        let error = try #require(throws: SlipwayError.self) { try ConfigLocator.find(from: nested) }
        #expect(error.code == .configNotFound)
        #expect(error.description == "no slipway.yml in \(nested) or any directory above it; pass --config PATH or create one")
    }
}
