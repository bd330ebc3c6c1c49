import Foundation
import SlipwayConfig
import SlipwayModel
import SlipwayTestSupport
import Testing

/// `environments.E.secrets`: a real file beside `slipway.yml`, held to mode 0600 or stricter.
@Suite struct EnvironmentSecretsTests {
    static let yaml = """
    services:
      web:
        run: ./web
        env: { TOKEN: "${TOKEN}" }
    environments:
      staging:
        proxy: { listen: 127.0.0.1:8081 }
        secrets: secrets/staging.env

    """

    /// Loads `yaml` from a temporary project holding `secrets/staging.env` at `mode` (when given).
    static func load(_ yaml: String = yaml, secrets: String? = "TOKEN=staging-token\n", mode: Int = 0o600,
                     environment: [String: String] = [:]) throws -> (config: ProjectConfig?, issues: [String], directory: String) {
        let directory = try TemporaryDirectory()
        let file = try directory.write("slipway.yml", yaml)
        if let secrets {
            let path = try directory.write("secrets/staging.env", secrets)
            #expect(chmod(path, mode_t(mode)) == 0)
        }
        return withExtendedLifetime(directory) {
            do {
                return (try ConfigLoader.load(path: file, environment: environment), [], directory.path)
            } catch let error as ConfigIssues {
                return (nil, error.issues.map(\.description), directory.path)
            } catch {
                Issue.record("expected ConfigIssues, got \(error)")
                return (nil, [], directory.path)
            }
        }
    }

    @Test(arguments: [0o600, 0o400])
    func ownerOnlyFileIsAccepted(_ mode: Int) throws {
        let (config, issues, directory) = try Self.load(mode: mode, environment: ["TOKEN": "daemon-token"])
        #expect(issues == [])
        let web = try #require(config?.service(ServiceKey(environment: "staging", service: "web")))
        // The environment's file resolves first, even over the daemon's environment.
        #expect(web.env == ["TOKEN": "staging-token"])
        #expect(config?.secrets == ["staging-token"])
        #expect(config?.environment(named: "staging")?.secretsFile == directory + "/secrets/staging.env")
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660, 0o602])
    func fileOthersMayReadOrChangeIsRefused(_ mode: Int) throws {
        let (config, issues, directory) = try Self.load(mode: mode)
        #expect(config == nil)
        let shown = directory + "/secrets/staging.env"
        let octal = "0" + String(mode, radix: 8)
        #expect(issues == [
            "\(directory)/slipway.yml:8:5: environments.staging.secrets: \(shown): mode \(octal) lets group or others "
                + "read or change the secrets; it must be 0600 or stricter (chmod 600 \(shown))",
        ])
        #expect(!issues.joined().contains("staging-token"))
    }

    @Test func missingFileIsRefused() throws {
        let (config, issues, directory) = try Self.load(secrets: nil, environment: ["TOKEN": "daemon-token"])
        #expect(config == nil)
        #expect(issues == [
            "\(directory)/slipway.yml:8:5: environments.staging.secrets: \(directory)/secrets/staging.env: no such file",
        ])
    }

    /// Each malformed line, at the `secrets` key, with the secrets file's own line; never a value.
    @Test func malformedLinesAreNamedWithTheirLine() throws {
        let (_, issues, directory) = try Self.load(secrets: "TOKEN=fine\nnot a pair\n1BAD=hidden-value\n")
        let shown = directory + "/secrets/staging.env"
        #expect(issues == [
            "\(directory)/slipway.yml:8:5: environments.staging.secrets: \(shown):2: expected KEY=value",
            "\(directory)/slipway.yml:8:5: environments.staging.secrets: \(shown):3: expected KEY=value with a variable "
                + #"name that uses letters, digits and "_", not starting with a digit"#,
        ])
        #expect(!issues.joined().contains("hidden-value"))
    }

    /// A reference resolves per environment: set by staging's file, it is still missing in
    /// production, which is named.
    @Test func referenceUnsetInOneEnvironmentNamesIt() throws {
        let yaml = Self.yaml + """
          production:
            proxy: { listen: 127.0.0.1:8082 }

        """
        let (config, issues, directory) = try Self.load(yaml)
        #expect(config == nil)
        #expect(issues == [
            "\(directory)/slipway.yml:4:12: services.web.env.TOKEN: environment variable TOKEN is not set "
                + #"(referenced as ${TOKEN}) for environment "production""#,
        ])
    }

    @Test func referenceUnsetEverywhereNamesEachEnvironmentsFile() throws {
        let (_, issues, directory) = try Self.load(secrets: "OTHER=x\n")
        #expect(issues == [
            "\(directory)/slipway.yml:4:12: services.web.env.TOKEN: environment variable TOKEN is not set "
                + #"(referenced as ${TOKEN}) for environment "staging" (nor in \#(directory)/secrets/staging.env)"#,
        ])
    }
}
