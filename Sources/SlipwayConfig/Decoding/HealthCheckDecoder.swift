import SlipwayModel
import Yams

/// `health:` of a service. Every key left out keeps the default `HealthCheckConfig` gives it.
struct HealthCheckDecoder {
    let reader: ConfigReader

    static let keys = ConfigSchema.health.keyNames
    static let expectKeys = ConfigSchema.expect.keyNames

    func decode(_ node: ConfigNode) -> HealthCheckConfig {
        var health = HealthCheckConfig()
        guard let fields = reader.mapping(node, keys: Self.keys) else { return health }
        if let pathNode = fields["path"], let path = reader.string(pathNode, expected: "a path like /health") {
            if RouteRules.isValidRequestPath(path) {
                health.path = path
            } else {
                reader.log.add("expected a path like /health (starting with \"/\", without \"#\" or spaces), "
                               + "got \(pathNode.found)", at: pathNode)
            }
        }
        // A zero interval would probe in a busy loop; a zero timeout or start timeout could never pass.
        if let interval = fields["interval"].flatMap({ reader.duration($0, positive: true) }) {
            health.interval = interval
        }
        if let timeout = fields["timeout"].flatMap({ reader.duration($0, positive: true) }) {
            health.timeout = timeout
        }
        if let start = fields["start_timeout"].flatMap({ reader.duration($0, positive: true) }) {
            health.startTimeout = start
        }
        if let healthy = fields["healthy_threshold"].flatMap({ threshold($0) }) { health.healthyThreshold = healthy }
        if let unhealthy = fields["unhealthy_threshold"].flatMap({ threshold($0) }) {
            health.unhealthyThreshold = unhealthy
        }
        if let expect = fields["expect"] { health.expect = expectation(expect) }
        return health
    }

    private func threshold(_ node: ConfigNode) -> Int? {
        reader.integer(node, in: 1...Int.max, expected: "an integer >= 1")
    }

    func expectation(_ node: ConfigNode) -> HealthExpectation {
        var expect = HealthExpectation()
        guard let fields = reader.mapping(node, keys: Self.expectKeys) else { return expect }
        if let status = fields["status"].flatMap({
            reader.integer($0, in: 100...599, expected: "an HTTP status code from 100 to 599")
        }) {
            expect.status = status
        }
        if let json = fields["json"] { expect.json = jsonFields(json) }
        return expect
    }

    /// `json:`: top-level fields of the body and the scalar each must equal, typed as YAML reads it
    /// (`healthy` a string, `3` a number, `true` a boolean, `null` null; `"3"` quoted is a string).
    private func jsonFields(_ node: ConfigNode) -> [String: JSONScalar] {
        guard let fields = reader.mapping(node, expected: "a mapping of JSON field names to values") else { return [:] }
        var json: [String: JSONScalar] = [:]
        for entry in fields.entries {
            if let value = jsonScalar(entry.value) { json[entry.key] = value }
        }
        return json
    }

    private func jsonScalar(_ node: ConfigNode) -> JSONScalar? {
        if case .scalar(let scalar) = node.node {
            switch node.tagName {
            case .null: return .null
            case .bool: if let value = Bool.construct(from: scalar) { return .bool(value) }
            case .int: if let value = Int.construct(from: scalar) { return .number(Double(value)) }
            case .float: if let value = Double.construct(from: scalar), value.isFinite { return .number(value) }
            default: return .string(scalar.string)
            }
        }
        reader.log.add("expected a string, number, boolean or null, got \(node.found)", at: node)
        return nil
    }
}
