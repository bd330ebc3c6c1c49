import SlipwayModel

/// What environments say about each other, checked once all are decoded: `promote_from` names
/// another environment without a cycle, and no two environments share a listener.
enum EnvironmentRules {
    static func report(_ environments: [DecodedEnvironment], to log: IssueLog) {
        reportPromotions(environments, to: log)
        reportListeners(environments, to: log)
    }

    private static func reportPromotions(_ environments: [DecodedEnvironment], to log: IssueLog) {
        let names = environments.map(\.config.name)
        var valid: [String: String] = [:]
        for environment in environments {
            guard let source = environment.config.promoteFrom, let node = environment.promoteFrom else { continue }
            if source == environment.config.name {
                log.add("an environment cannot promote from itself; name the environment its releases come from",
                        at: node)
            } else if !names.contains(source) {
                log.add("no environment named \(ConfigNode.quoted(source)) (environments: \(names.joined(separator: ", ")))",
                        at: node)
            } else {
                valid[environment.config.name] = source
            }
        }
        // A cycle: follow promote_from from each environment; report once, at the first in file order on it.
        for environment in environments {
            var chain = [environment.config.name]
            while let next = valid[chain[chain.count - 1]], !chain.dropFirst().contains(next) {
                chain.append(next)
                guard next == environment.config.name else { continue }
                if let node = environment.promoteFrom {
                    log.add("promote_from forms a cycle: \(chain.joined(separator: " → ")); "
                            + "a release must first succeed somewhere that is not promoted into", at: node)
                }
                return
            }
        }
    }

    /// Each environment runs its own proxy, so two on one address (or a wildcard and an address on
    /// its port) could not both listen. Reported at the second, naming both. Port 0 asks the
    /// system for a free port each time and never collides.
    private static func reportListeners(_ environments: [DecodedEnvironment], to log: IssueLog) {
        for (index, environment) in environments.enumerated() {
            let address = environment.config.proxy.listen
            reportTLSListener(environment, among: environments[...index], to: log)
            guard let earlier = environments[..<index].first(where: { overlap($0.config.proxy.listen, address) }) else {
                continue
            }
            let first = earlier.config.name
            let second = environment.config.name
            let other = earlier.config.proxy.listen
            var message = other == address
                ? "environments \(ConfigNode.quoted(first)) and \(ConfigNode.quoted(second)) both listen on \(address)"
                : "environments \(ConfigNode.quoted(first)) (\(other)) and \(ConfigNode.quoted(second)) (\(address)) "
                    + "listen on the same port"
            message += "; give each its own proxy.listen"
            if earlier.listen == nil || environment.listen == nil {
                message += " (an environment without one listens where the top-level proxy.listen says)"
            }
            if let listen = environment.listen {
                log.add(message, at: listen)
            } else {
                log.add(message, at: environment.keyPosition, path: environment.path)
            }
        }
    }

    /// An environment's `proxy.tls.listen` (its own or the top-level one) must not be where an
    /// earlier environment's proxy listens, plain or TLS.
    private static func reportTLSListener(_ environment: DecodedEnvironment, among environments: ArraySlice<DecodedEnvironment>,
                                          to log: IssueLog) {
        guard let tls = environment.config.proxy.tls?.listenAddress else { return }
        let others = environments.dropLast().flatMap { other in
            [(other.config.name, other.config.proxy.listen)]
                + (other.config.proxy.tls?.listenAddress.map { [(other.config.name, $0)] } ?? [])
        }
        guard let clash = others.first(where: { overlap($0.1, tls) }) else { return }
        log.add("environments \(ConfigNode.quoted(clash.0)) and \(ConfigNode.quoted(environment.config.name)) both listen on "
                + "\(clash.1) (proxy.tls.listen); give each environment its own proxy.tls.listen",
                at: environment.keyPosition, path: environment.path)
    }

    /// Whether one could not listen while the other does: the same host and port, or a wildcard
    /// address and another on its port (`::` takes IPv4 too, as Linux binds it dual-stack).
    static func overlap(_ lhs: SocketAddressSpec, _ rhs: SocketAddressSpec) -> Bool {
        guard lhs.port == rhs.port, lhs.port != 0 else { return false }
        let left = normalized(lhs.host)
        let right = normalized(rhs.host)
        if left == right || left == "::" || right == "::" { return true }
        if left == "0.0.0.0" { return !right.contains(":") }
        if right == "0.0.0.0" { return !left.contains(":") }
        return false
    }

    private static func normalized(_ host: String) -> String {
        let lowered = host.lowercased()
        return lowered == "localhost" ? "127.0.0.1" : lowered
    }
}
