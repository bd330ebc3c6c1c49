import SlipwayConfig
import SlipwayModel
import Testing

/// `proxy.listen` holds an address the proxy can bind: a malformed IP address is a located error at
/// `check`, not a failure when `serve` binds (issue 13: `listen: 256.1.1.1:80` passed).
@Suite struct ListenAddressTests {
    @Test(arguments: ["256.1.1.1:80", "1.2.3:80", "1.2.3.4.5:80", "x1.2.3.4:80", "10.0.0.01:80", "1.2.3.4000:80"])
    func malformedIPv4AddressIsRefused(listen: String) {
        #expect(issueLines("proxy:\n  listen: \(listen)\n" + minimalServices) == [
            #"slipway.yml:2:3: proxy.listen: expected an IPv4 address of four numbers from 0 to 255 like 127.0.0.1, got "\#(listen)""#,
        ])
    }

    @Test(arguments: ["[1:2:3]:80", "[::1::2]:80", "[12345::1]:80"])
    func malformedIPv6AddressIsRefused(listen: String) {
        #expect(issueLines("proxy:\n  listen: \"\(listen)\"\n" + minimalServices) == [
            #"slipway.yml:2:3: proxy.listen: expected an IPv6 address in brackets like [::1]:8080, got "\#(listen)""#,
        ])
    }

    @Test(arguments: [
        ("0.0.0.0:80", SocketAddressSpec(host: "0.0.0.0", port: 80)),
        ("255.255.255.255:8080", SocketAddressSpec(host: "255.255.255.255", port: 8080)),
        ("10.0.0.1:0", SocketAddressSpec(host: "10.0.0.1", port: 0)),
        ("localhost:8080", SocketAddressSpec(host: "localhost", port: 8080)),
        ("app-1.internal:80", SocketAddressSpec(host: "app-1.internal", port: 80)),
        ("[::]:80", SocketAddressSpec(host: "::", port: 80)),
        ("[::ffff:10.0.0.1]:80", SocketAddressSpec(host: "::ffff:10.0.0.1", port: 80)),
    ])
    func wellFormedAddressesAndHostNamesAreAccepted(listen: String, expected: SocketAddressSpec) throws {
        let config = try ConfigLoader.parse(yaml: "proxy:\n  listen: \"\(listen)\"\n" + minimalServices, file: "slipway.yml")
        #expect(config.proxy.listen == expected)
    }
}
