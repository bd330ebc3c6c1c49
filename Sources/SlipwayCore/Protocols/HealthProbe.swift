import SlipwayModel

/// One health probe of one upstream.
package protocol HealthProbe: Sendable {
    func probe(_ upstream: Upstream, check: HealthCheckConfig) async -> ProbeResult
}

package struct ProbeResult: Sendable, Equatable {
    package var healthy: Bool
    /// The HTTP status, nil when no response arrived.
    package var status: Int?
    /// The first bytes of the body, for error messages.
    package var body: String?
    /// Why it failed: connection refused, timeout, wrong status, a JSON field that did not match.
    package var reason: String?

    package init(healthy: Bool, status: Int? = nil, body: String? = nil, reason: String? = nil) {
        self.healthy = healthy
        self.status = status
        self.body = body
        self.reason = reason
    }

    package var summary: String {
        var parts: [String] = []
        if let reason {
            parts.append(reason)
        } else if let status {
            parts.append("status \(status)")
        }
        if let body, !body.isEmpty { parts.append("body: \(body)") }
        return parts.isEmpty ? (healthy ? "healthy" : "unhealthy") : parts.joined(separator: ", ")
    }
}
