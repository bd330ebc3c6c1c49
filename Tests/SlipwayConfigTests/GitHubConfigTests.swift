import Foundation
import SlipwayConfig
import SlipwayModel
import SlipwayTestSupport
import Testing

/// `github: { secret_file: … }`: the webhook's secret, a file beside `slipway.yml` held to mode 0600
/// or stricter, that must exist; refused with file:line and key otherwise.
@Suite struct GitHubConfigTests {
    static let yaml = """
    github:
      secret_file: .slipway/github-webhook.secret
    services:
      web:
        run: ./web

    """

    static func load(secret: String? = "s3cret-of-the-hook\n", mode: Int = 0o600, yaml: String = yaml)
        throws -> (config: ProjectConfig?, issues: [String], file: String, directory: TemporaryDirectory) {
        let directory = try TemporaryDirectory()
        let file = try directory.write("slipway.yml", yaml)
        if let secret {
            let path = try directory.write(".slipway/github-webhook.secret", secret)
            #expect(chmod(path, mode_t(mode)) == 0)
        }
        do {
            return (try ConfigLoader.load(path: file), [], file, directory)
        } catch let error as ConfigIssues {
            return (nil, error.issues.map(\.description), file, directory)
        }
    }

    @Test func theSecretIsReadWithoutItsLineBreakAndRedacted() throws {
        let (config, issues, _, directory) = try Self.load()
        #expect(issues == [])
        let github = try #require(config?.github)
        #expect(github.secret == "s3cret-of-the-hook")
        #expect(github.secretFile == directory.path + "/.slipway/github-webhook.secret")
        #expect(config?.secrets.contains("s3cret-of-the-hook") == true)
    }

    @Test(arguments: [0o644, 0o640, 0o604])
    func aFileOthersMayReadIsRefusedWithItsKey(_ mode: Int) throws {
        let (config, issues, file, _) = try Self.load(mode: mode)
        #expect(config == nil)
        #expect(issues.count == 1)
        let line = try #require(issues.first)
        #expect(line.hasPrefix("\(file):2:") && line.contains("github.secret_file") && line.contains("0600"), "\(line)")
        #expect(!line.contains("s3cret"))
    }

    @Test func aMissingOrEmptyFileIsRefused() throws {
        let missing = try Self.load(secret: nil)
        #expect(missing.issues.count == 1 && missing.issues[0].contains("no such file"), "\(missing.issues)")
        #expect(missing.issues[0].hasPrefix("\(missing.file):2:"), "\(missing.issues)")
        let empty = try Self.load(secret: "\n")
        #expect(empty.issues.count == 1 && empty.issues[0].contains("is empty"), "\(empty.issues)")
    }

    @Test func unknownKeysAndAMissingSecretFileAreLocated() throws {
        let (_, issues, file, _) = try Self.load(yaml: "github:\n  secret: abc\nservices:\n  web:\n    run: ./web\n")
        #expect(issues.contains { $0.hasPrefix("\(file):2:") && $0.contains("secret") }, "\(issues)")
        #expect(issues.contains { $0.contains("secret_file") }, "\(issues)")
    }

    @Test func withoutGitHubThereIsNoWebhookSecret() throws {
        let (config, issues, _, _) = try Self.load(secret: nil, yaml: "services:\n  web:\n    run: ./web\n")
        #expect(issues == [])
        #expect(config?.github == nil)
    }
}
