/// Two services with the same host and path: the proxy could send each request to only one of them,
/// so the second silently gets no traffic. Reported at the second, naming both.
enum RouteConflicts {
    static func report(_ services: [DecodedService], to log: IssueLog) {
        struct Key: Hashable {
            let host: String?
            let path: String
        }
        var owners: [Key: String] = [:]
        for service in services where service.routeIsValid {
            let route = service.config.route
            let key = Key(host: route.host, path: route.path)
            guard let owner = owners[key] else {
                owners[key] = service.config.name
                continue
            }
            let host = route.host.map { "on host \($0)" } ?? "on any host"
            log.add("services \(ConfigNode.quoted(owner)) and \(ConfigNode.quoted(service.config.name)) both route "
                    + "path \(ConfigNode.quoted(route.path)) \(host); give one a different route.path or route.host",
                    at: service.routePosition, path: service.routePath)
        }
    }
}
