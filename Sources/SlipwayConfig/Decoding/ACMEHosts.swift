import SlipwayModel
import SlipwayTLS

/// Which hosts `proxy.tls.acme` orders certificates for, once the services are decoded: every
/// host a service of the environment routes (`route.host`, and a blue-green preview's host), in
/// the file's order, except those an entry of `certificates:` covers (by name or wildcard).
///
/// A route's host is always a plain name (`RouteRules.normalizedHost` refuses `*`), so no wildcard
/// reaches here: HTTP-01, the only challenge the proxy answers, cannot prove one anyway.
enum ACMEHosts {
    /// `routesValid`: false when a route was written wrong (reported at its key): a host missing
    /// for that reason is not reported again here.
    static func assign(to proxy: inout ProxyConfig, services: [ServiceConfig], routesValid: Bool, acme node: ConfigNode?,
                       environment: String?, log: IssueLog) {
        guard var tls = proxy.tls, var acme = tls.acme else { return }
        var hosts: [String] = []
        for service in services {
            for host in [service.route.host, service.delivery.blueGreen?.preview.host].compactMap({ $0 })
            where !hosts.contains(host) && !tls.certificates.contains(where: { HostNames.matches($0.host, host) }) {
                hosts.append(host)
            }
        }
        if hosts.isEmpty, routesValid, let node {
            let scope = environment.map { " in environment \(ConfigNode.quoted($0))" } ?? ""
            let routed = services.compactMap(\.route.host)
            let reason = routed.isEmpty
                ? "no service\(scope) has a route.host"
                : "every routed host\(scope) (\(routed.joined(separator: ", "))) has its files under certificates:"
            log.add("acme has no host to order a certificate for: \(reason); give a service route.host: NAME, "
                    + "or remove acme", at: node)
        }
        acme.hosts = hosts
        tls.acme = acme
        proxy.tls = tls
    }
}
