import Foundation
import SlipwayConfig
import SlipwayModel
import SlipwayTestSupport
import Testing

/// `environments:` decoded: the environments themselves, and every service once per environment
/// with the environment's layers over it.
@Suite struct EnvironmentsTests {
    /// The example, with something in each layer to tell them apart.
    static let yaml = """
    proxy:
      listen: 127.0.0.1:8080
      idle_timeout: 30s
    services:
      web:
        run: python3 app.py
        env:
          LOG_LEVEL: info
          APP_ENV: development
          DATABASE_URL: ${DATABASE_URL}
        health:
          path: /status
          interval: 2s
        paths: [web/**]
      api:
        run: ./api
        route: { path: /api }
        env: { REGION: "${REGION}" }
    environments:
      staging:
        proxy: { listen: 127.0.0.1:8081 }
        branch: main
        env: { APP_ENV: staging }
        secrets: secrets/staging.env
        services:
          web:
            env: { LOG_LEVEL: debug }
            health: { interval: 5s }
            paths: [web/src/**]
          api: { env: { APP_ENV: staging-api } }
      production:
        proxy: { listen: 127.0.0.1:8082, idle_timeout: 10s }
        env: { APP_ENV: production }
        tags: semver
        promote_from: staging
        approvals: 2
        wait_timer: 5m
        approval_timeout: 24h
        rollback_window: 60m
        hotfix: { approvals: 1 }
        secrets: secrets/production.env

    """

    static let stagingURL = "postgres://app:staging-pw@db/staging"
    static let productionURL = "postgres://app:production-pw@db/production"

    /// The example in a project directory with both secrets files at mode 0600, loaded.
    static func loadExample() throws -> (config: ProjectConfig, directory: String) {
        let directory = try TemporaryDirectory()
        let file = try directory.write("slipway.yml", yaml)
        let staging = try directory.write("secrets/staging.env", "DATABASE_URL=\(stagingURL)\n")
        let production = try directory.write("secrets/production.env",
                                             "DATABASE_URL=\(productionURL)\nREGION=eu-production\n")
        #expect(chmod(staging, 0o600) == 0)
        #expect(chmod(production, 0o600) == 0)
        let config = try ConfigLoader.load(path: file, environment: ["REGION": "us-shared", "DATABASE_URL": "from-daemon"])
        return (config, directory.path)
    }

    @Test func environmentsDecodeInFileOrderWithTheirGates() throws {
        let (config, directory) = try Self.loadExample()
        #expect(config.declaresEnvironments)
        #expect(config.proxy == ProxyConfig(listen: SocketAddressSpec(host: "127.0.0.1", port: 8080), idleTimeout: .seconds(30)))
        #expect(config.environments == [
            EnvironmentConfig(name: "staging",
                              proxy: ProxyConfig(listen: SocketAddressSpec(host: "127.0.0.1", port: 8081),
                                                 idleTimeout: .seconds(30)),
                              branch: "main", secretsFile: directory + "/secrets/staging.env"),
            EnvironmentConfig(name: "production",
                              proxy: ProxyConfig(listen: SocketAddressSpec(host: "127.0.0.1", port: 8082),
                                                 idleTimeout: .seconds(10)),
                              tags: .semver(allowPrerelease: false), promoteFrom: "staging",
                              approvals: ApprovalPolicy(required: 2), waitTimer: .seconds(300),
                              approvalTimeout: .seconds(86_400), rollbackWindow: .seconds(3_600),
                              hotfix: HotfixPolicy(approvals: 1), secretsFile: directory + "/secrets/production.env"),
        ])
    }

    @Test func everyServiceOncePerEnvironmentInFileOrder() throws {
        let (config, _) = try Self.loadExample()
        #expect(config.services.map(\.key) == [
            ServiceKey(environment: "staging", service: "web"), ServiceKey(environment: "staging", service: "api"),
            ServiceKey(environment: "production", service: "web"), ServiceKey(environment: "production", service: "api"),
        ])
        #expect(config.services(in: "production").map(\.name) == ["web", "api"])
    }

    /// The service's own env, then the environment's, then the overlay's: the later wins.
    @Test func environmentEnvAndOverlayLayerOverTheServiceEnv() throws {
        let (config, _) = try Self.loadExample()
        let stagingWeb = try #require(config.service(ServiceKey(environment: "staging", service: "web")))
        #expect(stagingWeb.env == ["LOG_LEVEL": "debug", "APP_ENV": "staging", "DATABASE_URL": Self.stagingURL])
        let productionWeb = try #require(config.service(ServiceKey(environment: "production", service: "web")))
        #expect(productionWeb.env == ["LOG_LEVEL": "info", "APP_ENV": "production", "DATABASE_URL": Self.productionURL])
        let stagingAPI = try #require(config.service(ServiceKey(environment: "staging", service: "api")))
        #expect(stagingAPI.env == ["REGION": "us-shared", "APP_ENV": "staging-api"])
        let productionAPI = try #require(config.service(ServiceKey(environment: "production", service: "api")))
        #expect(productionAPI.env == ["REGION": "eu-production", "APP_ENV": "production"])
    }

    /// `health:` merges key by key; `paths:` (a list) is replaced whole.
    @Test func overlayMergesMappingsAndReplacesListsAndScalars() throws {
        let (config, _) = try Self.loadExample()
        let stagingWeb = try #require(config.service(ServiceKey(environment: "staging", service: "web")))
        #expect(stagingWeb.health.path == "/status")
        #expect(stagingWeb.health.interval == .seconds(5))
        #expect(stagingWeb.paths == ["web/src/**"])
        let productionWeb = try #require(config.service(ServiceKey(environment: "production", service: "web")))
        #expect(productionWeb.health.interval == .seconds(2))
        #expect(productionWeb.paths == ["web/**"])
        #expect(productionWeb.run == "python3 app.py")
    }

    /// Each environment's secrets file resolves first; every value a reference brought in is a
    /// secret, whichever environment it came from; what was not referenced is not.
    @Test func secretsResolvePerEnvironmentAndAllAreRedacted() throws {
        let (config, _) = try Self.loadExample()
        #expect(Set(config.secrets) == [Self.stagingURL, Self.productionURL, "us-shared", "eu-production"])
        #expect(!config.secrets.contains("from-daemon"))
        #expect(config.redactor.redact("connecting to \(Self.productionURL)") == "connecting to ******")
    }

    @Test func scalarsReplaceAndMappingsWrittenAsNothingChangeNothing() throws {
        let yaml = """
        services:
          web:
            run: ./web
            watch: 30s
            env: { A: "1" }
        environments:
          staging:
            proxy: { listen: 127.0.0.1:8081 }
            services:
              web:
                run: ./web --verbose
                env:
                watch: 0s

        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "slipway.yml")
        let web = try #require(config.service(ServiceKey(environment: "staging", service: "web")))
        #expect(web.run == "./web --verbose")
        #expect(web.watch == .zero)
        #expect(web.env == ["A": "1"])
    }

    /// A key a service takes in through `<<: *anchor` is layered over as if written.
    @Test func overlayLayersOverKeysFromAMergeKey() throws {
        let yaml = """
        services:
          web: &web
            run: ./web
            env: { A: "1", B: "2" }
          api:
            <<: *web
            route: { path: /api }
        environments:
          staging:
            proxy: { listen: 127.0.0.1:8081 }
            services:
              api: { env: { B: "3" } }

        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "slipway.yml")
        #expect(config.service(ServiceKey(environment: "staging", service: "api"))?.env == ["A": "1", "B": "3"])
        #expect(config.service(ServiceKey(environment: "staging", service: "web"))?.env == ["A": "1", "B": "2"])
    }

    @Test func tagAndApprovalPoliciesInTheirLongForms() throws {
        let yaml = minimalServices + """
        environments:
          production:
            tags: { policy: semver, allow_prerelease: true }
            approvals: { required: 2, from: [bob, carol, dave] }
            hotfix: { approvals: 0 }
            wait_timer: 0s

        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "slipway.yml")
        let production = try #require(config.environment(named: "production"))
        #expect(production.tags == .semver(allowPrerelease: true))
        #expect(production.approvals == ApprovalPolicy(required: 2, from: ["bob", "carol", "dave"]))
        #expect(production.hotfix == HotfixPolicy(approvals: 0))
        #expect(production.waitTimer == .zero)
        #expect(production.approvalTimeout == nil && production.rollbackWindow == nil && production.branch == nil)
    }

    /// One environment may leave out `proxy:`: it listens where the top-level proxy says.
    @Test func anEnvironmentWithoutProxyTakesTheTopLevelOne() throws {
        let yaml = """
        proxy: { listen: 127.0.0.1:9000, idle_timeout: 5s }
        services:
          web: { run: ./web }
        environments:
          staging: { proxy: { listen: 127.0.0.1:9001 } }
          production: {}

        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "slipway.yml")
        #expect(config.environments.map(\.proxy) == [
            ProxyConfig(listen: SocketAddressSpec(host: "127.0.0.1", port: 9001), idleTimeout: .seconds(5)),
            ProxyConfig(listen: SocketAddressSpec(host: "127.0.0.1", port: 9000), idleTimeout: .seconds(5)),
        ])
    }

    @Test func aFileWithoutEnvironmentsHasTheDefaultOne() throws {
        let yaml = """
        proxy: { listen: 127.0.0.1:9000 }
        services:
          web: { run: ./web, env: { A: "1" } }
          api: { run: ./api, route: { path: /api } }

        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "slipway.yml")
        #expect(!config.declaresEnvironments)
        #expect(config.environments == [EnvironmentConfig(name: ServiceKey.defaultEnvironment, proxy: config.proxy)])
        #expect(config.services.map(\.key) == [ServiceKey(environment: ServiceKey.defaultEnvironment, service: "web"),
                                               ServiceKey(environment: ServiceKey.defaultEnvironment, service: "api")])
        #expect(config.services[0].env == ["A": "1"])
    }
}
