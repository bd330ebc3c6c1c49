import SlipwayModel

/// A decoded service and where its route is written, for reporting route conflicts.
struct DecodedService {
    var config: ServiceConfig
    /// False when the route was written wrong: that is already reported, and a conflict
    /// computed from the default in its place would be noise.
    let routeIsValid: Bool
    /// `route.path` when written, else `route`, else the service's name.
    let routePosition: SourcePosition?
    let routePath: KeyPath
    /// The services and database it names, for checks once all are decoded.
    var references: [ServiceReference] = []
}

/// One entry of `services:`. Every key left out keeps the default `ServiceConfig` gives it.
struct ServiceDecoder {
    let reader: ConfigReader
    /// The directory holding the file, when it was read from one (`image.context` is looked up there).
    let repository: String?

    /// The table's list; `dockerKeys` and the rest name subsets of it.
    static let keys = ConfigSchema.service.keyNames

    func decode(name: String, keyPosition: SourcePosition?, node: ConfigNode) -> DecodedService? {
        guard let fields = reader.mapping(node, keys: Self.keys, expected: "a mapping of the service's settings") else {
            return nil
        }
        var service = ServiceConfig(name: name, run: "")
        // Nil when `runtime:` is written wrong: that is reported, and whether `run` or `image` is
        // missing then depends on what the user meant, so neither is demanded.
        let runtime: ServiceRuntime? = fields["static"] == nil ? fields["runtime"].map(runtimeKind) ?? .process
            : staticRuntime(fields)
        // A container may keep its image's CMD; a process has nothing else to run; a static site
        // has nothing to run at all (`refuseProcessKeys`).
        let runNode = switch runtime {
        case .process?: reader.required("run", in: fields)
        case .staticSite?: nil as ConfigNode?
        case .docker?, nil: fields["run"]
        }
        if let run = runNode.flatMap({ reader.nonEmptyString($0, expected: "a command like \"python3 app.py\"") }) {
            service.run = run
        }
        switch runtime {
        case .docker?:
            service.runtime = .docker
            service.docker = dockerSettings(fields)
        case .process?, .staticSite?:
            refuseDockerKeys(fields, staticSite: runtime == .staticSite)
        case nil:
            break
        }
        if let build = fields["build"].flatMap({ reader.nonEmptyString($0, expected: "a build command") }) {
            service.build = build
        }
        if let timeout = fields["build_timeout"].flatMap({ reader.duration($0, positive: true) }) {
            service.buildTimeout = timeout
        }
        if let env = fields["env"] { service.env = environment(env) }
        if let health = fields["health"] { service.health = HealthCheckDecoder(reader: reader).decode(health) }
        if let drain = fields["drain_timeout"].flatMap({ reader.duration($0) }) { service.drainTimeout = drain }
        if let stop = fields["stop_timeout"].flatMap({ reader.duration($0) }) { service.stopTimeout = stop }
        if let watch = fields["watch"].flatMap({ reader.duration($0) }) { service.watch = watch }
        if let retain = fields["retain"].flatMap({ reader.integer($0, in: 1...Int.max, expected: "an integer >= 1") }) {
            service.retain = retain
        }

        var routeIsValid = true
        var routePosition = keyPosition
        var routePath = node.path
        if let routeNode = fields["route"] {
            let decoded = RouteDecoder(reader: reader).decode(routeNode)
            if let route = decoded.route { service.route = route } else { routeIsValid = false }
            routePosition = decoded.reference.position
            routePath = decoded.reference.path
        }
        let references = decodePipeline(fields, into: &service)
        decodeDelivery(fields, into: &service)
        // After the delivery keys: a static site refuses those that describe processes.
        decodeStaticSite(fields, into: &service)
        return DecodedService(config: service, routeIsValid: routeIsValid,
                              routePosition: routePosition, routePath: routePath, references: references)
    }

    /// `env:` (and `image.args:`, as `what: "build argument"`): names as shells accept them; any
    /// scalar value, kept as the text written (`on` stays "on").
    func environment(_ node: ConfigNode, what: String = "environment variable") -> [String: String] {
        guard let fields = reader.mapping(node, expected: "a mapping of variable names to values") else { return [:] }
        var environment: [String: String] = [:]
        for entry in fields.entries {
            guard NameRules.isValidEnvironmentName(entry.key) else {
                reader.log.add("invalid \(what) name \(ConfigNode.quoted(entry.key)): "
                               + NameRules.environmentNameRule, at: entry.keyPosition, path: entry.value.path)
                continue
            }
            if let value = reader.string(entry.value, expected: "a string, number or boolean") {
                environment[entry.key] = value
            }
        }
        return environment
    }
}
