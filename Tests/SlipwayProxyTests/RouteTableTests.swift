import SlipwayModel
import Testing
@testable import SlipwayProxy

@Suite struct RouteTableTests {
    private func table(_ routes: [(String, RouteConfig)]) -> RouteTable<String> {
        RouteTable(routes.map { .init(service: ServiceKey(service: $0.0), route: $0.1, target: $0.0) })
    }

    @Test func longestPathPrefixWins() {
        let routes = table([
            ("web", RouteConfig(path: "/")),
            ("api", RouteConfig(path: "/api")),
            ("v2", RouteConfig(path: "/api/v2")),
        ])
        #expect(routes.match(hostHeader: "a", uri: "/")?.service.service == "web")
        #expect(routes.match(hostHeader: "a", uri: "/index.html")?.service.service == "web")
        #expect(routes.match(hostHeader: "a", uri: "/api")?.service.service == "api")
        #expect(routes.match(hostHeader: "a", uri: "/api/")?.service.service == "api")
        #expect(routes.match(hostHeader: "a", uri: "/api/users?x=1")?.service.service == "api")
        #expect(routes.match(hostHeader: "a", uri: "/api/v2/users")?.service.service == "v2")
        #expect(routes.match(hostHeader: nil, uri: "/api/v2")?.service.service == "v2")
    }

    @Test func prefixMatchesOnSegmentBoundaryOnly() {
        let routes = table([("api", RouteConfig(path: "/api"))])
        #expect(routes.match(hostHeader: nil, uri: "/apix") == nil)
        #expect(routes.match(hostHeader: nil, uri: "/ap") == nil)
        #expect(routes.match(hostHeader: nil, uri: "/") == nil)
        #expect(routes.match(hostHeader: nil, uri: "/api?q=1")?.service.service == "api")
        #expect(routes.match(hostHeader: nil, uri: "/api#top")?.service.service == "api")
    }

    @Test func trailingSlashInRouteIsTheSamePrefix() {
        let routes = table([("api", RouteConfig(path: "/api/"))])
        #expect(routes.match(hostHeader: nil, uri: "/api")?.service.service == "api")
        #expect(routes.match(hostHeader: nil, uri: "/api/x")?.service.service == "api")
        #expect(routes.match(hostHeader: nil, uri: "/apix") == nil)
    }

    @Test func hostMatchIgnoresCaseAndPort() {
        let routes = table([("admin", RouteConfig(host: "Admin.Example.com", path: "/"))])
        #expect(routes.match(hostHeader: "admin.example.com", uri: "/")?.service.service == "admin")
        #expect(routes.match(hostHeader: "ADMIN.EXAMPLE.COM:8080", uri: "/x")?.service.service == "admin")
        #expect(routes.match(hostHeader: "other.example.com", uri: "/") == nil)
        #expect(routes.match(hostHeader: nil, uri: "/") == nil)
    }

    @Test func hostSpecificRouteBeatsHostlessOneEvenWithShorterPrefix() {
        let routes = table([
            ("api", RouteConfig(path: "/api")),
            ("admin", RouteConfig(host: "admin.test", path: "/")),
        ])
        #expect(routes.match(hostHeader: "admin.test", uri: "/api/x")?.service.service == "admin")
        #expect(routes.match(hostHeader: "web.test", uri: "/api/x")?.service.service == "api")
        #expect(routes.match(hostHeader: "web.test", uri: "/") == nil)
    }

    @Test func ipv6HostHeaderLosesItsPort() {
        #expect(RequestTarget.hostName("[::1]:8080") == "::1")
        #expect(RequestTarget.hostName("example.com:80") == "example.com")
        #expect(RequestTarget.hostName("example.com") == "example.com")
    }

    @Test func absoluteFormTargetRoutesByItsPath() {
        #expect(RequestTarget.path(of: "http://example.com/api/x?y") == "/api/x")
        #expect(RequestTarget.path(of: "http://example.com") == "/")
        #expect(RequestTarget.path(of: "*") == "/")
    }
}
