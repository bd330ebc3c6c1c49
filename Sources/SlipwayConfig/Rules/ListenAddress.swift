import SlipwayModel

/// `proxy.listen`: `host:port`, `[v6-address]:port` or `:port` (every interface).
enum ListenAddress {
    enum Problem: Error {
        case notHostAndPort
        case portOutOfRange
    }

    static func parse(_ text: String) -> Result<SocketAddressSpec, Problem> {
        guard let colon = text.lastIndex(of: ":") else { return .failure(.notHostAndPort) }
        let hostPart = text[..<colon]
        let portPart = text[text.index(after: colon)...]
        guard !portPart.isEmpty, portPart.count <= 5, portPart.allSatisfy({ ("0"..."9").contains($0) }),
              let port = Int(portPart) else { return .failure(.notHostAndPort) }
        guard isValidHost(hostPart) else { return .failure(.notHostAndPort) }
        // Port 0 asks the system for a free port: what tests and throwaway daemons want.
        guard (0...65535).contains(port) else { return .failure(.portOutOfRange) }
        guard let spec = SocketAddressSpec(parsing: text) else { return .failure(.notHostAndPort) }
        return .success(spec)
    }

    private static func isValidHost(_ host: Substring) -> Bool {
        if host.isEmpty { return true }
        if host.hasPrefix("[") && host.hasSuffix("]") {
            let address = host.dropFirst().dropLast()
            return address.contains(":") && address.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        }
        return RouteRules.normalizedHost(String(host)) != nil
    }
}
