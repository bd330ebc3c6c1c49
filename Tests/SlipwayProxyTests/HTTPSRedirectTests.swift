import Testing
@testable import SlipwayProxy

/// `redirect_http`: where a plain request for a host with a certificate is sent.
@Suite struct HTTPSRedirectTests {
    let redirect = HTTPSRedirect(hosts: ["www.example.com", "*.example.org"], port: 443)

    @Test func theSameURLOverHTTPSWithoutTheDefaultPort() {
        #expect(redirect.location(hostHeader: "www.example.com", target: "/a/b?c=1") == "https://www.example.com/a/b?c=1")
        #expect(redirect.location(hostHeader: "WWW.Example.com:80", target: "/") == "https://www.example.com/")
        #expect(redirect.location(hostHeader: "api.example.org", target: "http://api.example.org/x?y") == "https://api.example.org/x?y")
        #expect(redirect.location(hostHeader: "api.example.org", target: "http://api.example.org?y") == "https://api.example.org/?y")
    }

    @Test func anotherTLSPortIsNamed() {
        let other = HTTPSRedirect(hosts: ["www.example.com"], port: 8443)
        #expect(other.location(hostHeader: "www.example.com:8080", target: "/") == "https://www.example.com:8443/")
    }

    @Test func hostsWithoutACertificateAreNotRedirected() {
        #expect(redirect.location(hostHeader: "example.com", target: "/") == nil)
        #expect(redirect.location(hostHeader: "a.b.example.org", target: "/") == nil)
        #expect(redirect.location(hostHeader: nil, target: "/") == nil)
        #expect(redirect.location(hostHeader: "[::1]:80", target: "/") == nil)
    }
}
