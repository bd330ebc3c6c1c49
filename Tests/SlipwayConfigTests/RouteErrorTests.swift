import Testing

/// Routes the proxy could not serve, or could not tell apart.
@Suite struct RouteErrorTests {
    @Test func unroutablePathsAndHosts() {
        let yaml = """
        services:
          a:
            run: a
            route: { path: api }
          b:
            run: b
            route: { path: "/b?x=1" }
          c:
            run: c
            route: { path: /c d }
          d:
            run: d
            route: { host: "https://d.example.com" }
          e:
            run: e
            route: { host: "e.example.com:443" }
          f:
            run: f
            route: { host: -f.example.com, path: /f }
        """
        let pathRule = ##"(starting with "/", without "?", "#" or spaces)"##
        let hostRule = "(no scheme, port or path)"
        #expect(issueLines(yaml) == [
            ##"slipway.yml:4:14: services.a.route.path: expected a path like /api \##(pathRule), got "api""##,
            ##"slipway.yml:7:14: services.b.route.path: expected a path like /api \##(pathRule), got "/b?x=1""##,
            ##"slipway.yml:10:14: services.c.route.path: expected a path like /api \##(pathRule), got "/c d""##,
            ##"slipway.yml:13:14: services.d.route.host: expected a host name like app.example.com \##(hostRule), got "https://d.example.com""##,
            ##"slipway.yml:16:14: services.e.route.host: expected a host name like app.example.com \##(hostRule), got "e.example.com:443""##,
            ##"slipway.yml:19:14: services.f.route.host: expected a host name like app.example.com \##(hostRule), got "-f.example.com""##,
        ])
    }

    @Test func conflictingRoutesNameBothServicesAtTheSecond() {
        let yaml = """
        services:
          web:
            run: a
            route:
              host: app.example.com
              path: /api
          api:
            run: b
            route:
              host: APP.example.com
              path: /api
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:11:7: services.api.route.path: services "web" and "api" both route path "/api" on host app.example.com; give one a different route.path or route.host"#,
        ])
    }

    @Test func twoServicesWithoutRoutesBothWantTheRoot() {
        let yaml = """
        services:
          web:
            run: a
          worker:
            run: b
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:4:3: services.worker: services "web" and "worker" both route path "/" on any host; give one a different route.path or route.host"#,
        ])
    }

    @Test func badRouteIsNotAlsoReportedAsAConflict() {
        let yaml = """
        services:
          web:
            run: a
          api:
            run: b
            route: { path: api }
        """
        #expect(issueLines(yaml).count == 1)
    }

    @Test func emptyServicesIsRefused() {
        #expect(issueLines("services: {}\n") == ["slipway.yml:1:1: services: expected at least one service"])
        #expect(issueLines("services:\n# web: commented out\n") == ["slipway.yml:1:1: services: expected at least one service"])
    }
}
