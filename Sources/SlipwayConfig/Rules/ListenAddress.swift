import Foundation
import SlipwayModel

/// `proxy.listen`: `host:port`, `[v6-address]:port` or `:port` (every interface).
enum ListenAddress {
    enum Problem: Error {
        case notHostAndPort
        case portOutOfRange
        case malformedIPv4
        case malformedIPv6
    }

    static func parse(_ text: String) -> Result<SocketAddressSpec, Problem> {
        guard let colon = text.lastIndex(of: ":") else { return .failure(.notHostAndPort) }
        let hostPart = text[..<colon]
        let portPart = text[text.index(after: colon)...]
        guard !portPart.isEmpty, portPart.count <= 5, portPart.allSatisfy({ ("0"..."9").contains($0) }),
              let port = Int(portPart) else { return .failure(.notHostAndPort) }
        if let problem = problem(withHost: hostPart) { return .failure(problem) }
        // Port 0 asks the system for a free port: what tests and throwaway daemons want.
        guard (0...65535).contains(port) else { return .failure(.portOutOfRange) }
        guard let spec = SocketAddressSpec(parsing: text) else { return .failure(.notHostAndPort) }
        return .success(spec)
    }

    /// Whether a parsed `host` only listens on this machine: `localhost`, 127.0.0.0/8, `::1`.
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && isIPv4Address(Substring(host))
    }

    private static func problem(withHost host: Substring) -> Problem? {
        if host.isEmpty { return nil }
        if host.hasPrefix("[") && host.hasSuffix("]") {
            let address = host.dropFirst().dropLast()
            guard address.contains(":"), address.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                return .notHostAndPort
            }
            return isIPv6Address(String(address)) ? nil : .malformedIPv6
        }
        guard RouteRules.normalizedHost(String(host)) != nil else { return .notHostAndPort }
        // A name whose last label is a number is an IPv4 address (no top-level domain is numeric), and the
        // resolver would read a short or zero-padded one its own way (`10.1` as 10.0.0.1, `010` as octal 8).
        guard let last = host.split(separator: ".").last, last.allSatisfy(\.isASCIIDigit) else { return nil }
        return isIPv4Address(host) ? nil : .malformedIPv4
    }

    /// Four decimal numbers from 0 to 255, written without leading zeros.
    private static func isIPv4Address(_ host: Substring) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCIIDigit)
                && (part == "0" || part.first != "0") && Int(part).map { $0 <= 255 } == true
        }
    }

    private static func isIPv6Address(_ address: String) -> Bool {
        var bytes = in6_addr()
        return inet_pton(AF_INET6, address, &bytes) == 1
    }
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension ConfigReader {
    /// A listen address (`proxy.listen`, `api.listen`), each malformed part reported at its key.
    func listenAddress(_ node: ConfigNode, example: String) -> SocketAddressSpec? {
        guard let text = string(node, expected: "host:port like \(example)") else { return nil }
        switch ListenAddress.parse(text) {
        case .success(let address):
            return address
        case .failure(.notHostAndPort):
            log.add("expected host:port like \(example) or [::1]:\(example.split(separator: ":").last ?? ""), got \(node.found)", at: node)
        case .failure(.portOutOfRange):
            log.add("expected a port from 0 to 65535, got \(node.found)", at: node)
        case .failure(.malformedIPv4):
            log.add("expected an IPv4 address of four numbers from 0 to 255 like 127.0.0.1, got \(node.found)", at: node)
        case .failure(.malformedIPv6):
            log.add("expected an IPv6 address in brackets like [::1]:\(example.split(separator: ":").last ?? ""), got \(node.found)", at: node)
        }
        return nil
    }
}
