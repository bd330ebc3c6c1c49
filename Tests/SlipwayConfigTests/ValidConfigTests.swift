import SlipwayConfig
import SlipwayModel
import Testing

@Suite struct ValidConfigTests {
    @Test func fullFileDecodesEveryField() throws {
        let yaml = """
        proxy:
          listen: "[::1]:9090"
        services:
          web:
            run: python3 app.py
            build: ./build.sh
            build_timeout: 5m
            env: { LOG_LEVEL: info, WORKERS: 4, DEBUG: false, RATIO: 1.50 }
            route:
              path: /app
              host: App.Example.com
            health:
              path: /health?full=1
              interval: 500ms
              timeout: 3s
              healthy_threshold: 2
              unhealthy_threshold: 4
              start_timeout: 1m30s
              expect:
                status: 204
                json: { status: healthy, ready: true, version: 3, load: 0.5, error: null, code: "7" }
            drain_timeout: 45s
            stop_timeout: 15s
            watch: 0s
            retain: 7
        databases:
          hr:
            url: ${HR_DATABASE_URL}
            migrations: services/hr/migrations
            backup: { dir: /var/backups/hr, keep: 3, max_age: 14d, verify: false }
            lock_timeout: 10s
            out_of_order: true
        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "/srv/app/slipway.yml",
                                            environment: ["HR_DATABASE_URL": "postgres://hr:secret@db/hr"])
        #expect(config.file == "/srv/app/slipway.yml")
        #expect(config.proxy.listen == SocketAddressSpec(host: "::1", port: 9090))
        let web = ServiceConfig(
            name: "web", run: "python3 app.py", build: "./build.sh",
            env: ["LOG_LEVEL": "info", "WORKERS": "4", "DEBUG": "false", "RATIO": "1.50"],
            route: RouteConfig(host: "app.example.com", path: "/app"),
            health: HealthCheckConfig(
                path: "/health?full=1", interval: .milliseconds(500), timeout: .seconds(3),
                healthyThreshold: 2, unhealthyThreshold: 4, startTimeout: .seconds(90),
                expect: HealthExpectation(status: 204, json: [
                    "status": .string("healthy"), "ready": .bool(true), "version": .number(3),
                    "load": .number(0.5), "error": .null, "code": .string("7"),
                ])),
            drainTimeout: .seconds(45), stopTimeout: .seconds(15), watch: .zero,
            buildTimeout: .seconds(300), retain: 7)
        #expect(config.services == [web])
        let hr = DatabaseConfig(
            name: "hr", url: "postgres://hr:secret@db/hr", migrations: "services/hr/migrations",
            backup: BackupConfig(dir: "/var/backups/hr", keep: 3, maxAge: .seconds(14 * 86_400), verify: false),
            lockTimeout: .seconds(10), outOfOrder: true)
        #expect(config.databases == [hr])
    }

    @Test func leftOutKeysTakeTheirDefaults() throws {
        let yaml = """
        services:
          web:
            run: python3 app.py
        databases:
          hr:
            url: sqlite:data/hr.db
            migrations: migrations
        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "slipway.yml")
        #expect(config.proxy.listen == SocketAddressSpec(host: "127.0.0.1", port: 8080))
        #expect(config.services == [ServiceConfig(name: "web", run: "python3 app.py")])
        let web = try #require(config.services.first)
        #expect(web.route == RouteConfig(host: nil, path: "/"))
        #expect(web.health == HealthCheckConfig())
        #expect(web.buildTimeout == .seconds(600))
        #expect(web.drainTimeout == .seconds(30) && web.stopTimeout == .seconds(10) && web.watch == .seconds(60))
        #expect(web.retain == 5 && web.build == nil && web.env.isEmpty)
        let hr = try #require(config.databases.first)
        #expect(hr.backup == BackupConfig(dir: ".slipway/backups/hr", keep: 7, maxAge: nil, verify: true))
        #expect(hr.lockTimeout == .seconds(5) && hr.outOfOrder == false && hr.kind == .sqlite)
    }

    @Test func servicesAndDatabasesKeepFileOrder() throws {
        let yaml = """
        services:
          zeta: { run: z, route: { path: /z } }
          alpha: { run: a, route: { path: /a } }
          mid-1: { run: m, route: { path: /m } }
        databases:
          zz: { url: "sqlite:zz.db", migrations: m }
          aa: { url: "postgres://localhost/aa", migrations: m }
        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "slipway.yml")
        #expect(config.services.map(\.name) == ["zeta", "alpha", "mid-1"])
        #expect(config.databases.map(\.name) == ["zz", "aa"])
    }

    @Test func emptySectionsAndProxyAreAllowed() throws {
        let yaml = """
        proxy:
        services:
          web:
            run: ./serve
            env:
        databases:
        #  hr: commented out entirely
        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "slipway.yml")
        #expect(config.proxy == ProxyConfig())
        #expect(config.services.first?.env == [:])
        #expect(config.databases.isEmpty)
    }

    @Test func proxyIdleTimeoutDefaultsTo75sAndIsRead() throws {
        #expect(ProxyConfig().idleTimeout == .seconds(75))
        let config = try ConfigLoader.parse(yaml: "proxy:\n  idle_timeout: 30s\nservices:\n  web: { run: ./serve }\n",
                                            file: "slipway.yml")
        #expect(config.proxy.idleTimeout == .seconds(30))
        #expect(issueLines("proxy:\n  idle_timeout: 0s\nservices:\n  web: { run: ./serve }\n")
            == [#"slipway.yml:2:3: proxy.idle_timeout: expected a duration longer than 0s, got "0s""#])
    }

    @Test func sameRouteOnDifferentHostsIsNoConflict() throws {
        let yaml = """
        services:
          a: { run: a, route: { host: a.example.com } }
          b: { run: b, route: { host: b.example.com } }
          c: { run: c, route: { path: /c } }
          d: { run: d }
        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "slipway.yml")
        #expect(config.services.map(\.route) == [
            RouteConfig(host: "a.example.com", path: "/"), RouteConfig(host: "b.example.com", path: "/"),
            RouteConfig(host: nil, path: "/c"), RouteConfig(host: nil, path: "/"),
        ])
    }

    @Test func keepNullLiftsTheBackupCountLimit() throws {
        let yaml = minimalServices + """
        databases:
          hr: { url: "sqlite:hr.db", migrations: m, backup: { keep: null, max_age: 30d } }
        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "slipway.yml")
        #expect(config.databases.first?.backup.keep == nil)
        #expect(config.databases.first?.backup.maxAge == .seconds(30 * 86_400))
    }

    @Test(arguments: [
        ("127.0.0.1:8080", SocketAddressSpec(host: "127.0.0.1", port: 8080)),
        ("[::1]:8080", SocketAddressSpec(host: "::1", port: 8080)),
        (":80", SocketAddressSpec(host: "0.0.0.0", port: 80)),
        ("localhost:0", SocketAddressSpec(host: "localhost", port: 0)),
    ])
    func proxyListensWhereTold(listen: String, expected: SocketAddressSpec) throws {
        let config = try ConfigLoader.parse(yaml: "proxy:\n  listen: \"\(listen)\"\n" + minimalServices,
                                            file: "slipway.yml")
        #expect(config.proxy.listen == expected)
    }
}
