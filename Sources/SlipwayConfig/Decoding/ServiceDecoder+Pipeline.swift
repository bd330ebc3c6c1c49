import SlipwayModel

/// A name a service refers to (`depends_on: [gateway]`, `database: hr`), kept with where it is
/// written so a dangling one is reported at its line.
struct ServiceReference {
    enum Kind { case service, database }
    let kind: Kind
    let name: String
    let node: ConfigNode
}

/// The pipeline keys of a service: `paths`, `depends_on`, `database`, `checks`, `smoke` (issue 5).
extension ServiceDecoder {
        static let checkKeys = ConfigSchema.check.keyNames
    static let coverageKeys = ConfigSchema.coverage.keyNames
    static let smokeKeys = ConfigSchema.smoke.keyNames
    static let smokeHTTPKeys = ConfigSchema.smokeHTTP.keyNames

    func decodePipeline(_ fields: MappingFields, into service: inout ServiceConfig) -> [ServiceReference] {
        var references: [ServiceReference] = []
        if let paths = fields["paths"].flatMap({ reader.list($0, expected: "a list of paths like services/api/**") }) {
            service.paths = paths.compactMap { reader.nonEmptyString($0, expected: "a path pattern like services/api/**") }
        }
        if let dependencies = fields["depends_on"].flatMap({ reader.list($0, expected: "a list of service names") }) {
            for node in dependencies {
                guard let name = reader.nonEmptyString(node, expected: "a service name") else { continue }
                service.dependsOn.append(name)
                references.append(ServiceReference(kind: .service, name: name, node: node))
            }
        }
        if let node = fields["database"], let name = reader.nonEmptyString(node, expected: "a database name") {
            service.database = name
            references.append(ServiceReference(kind: .database, name: name, node: node))
        }
        if let checks = fields["checks"].flatMap({ reader.list($0, expected: "a list of checks") }) {
            service.checks = checks.compactMap(check)
        }
        if let smoke = fields["smoke"].flatMap({ reader.list($0, expected: "a list of smoke tests") }) {
            service.smoke = smoke.compactMap(smokeTest)
        }
        return references
    }

    /// `{ name: unit tests, run: swift test, timeout: 10m }` or `{ name: coverage, coverage: { report: …, min: 80 } }`.
    private func check(_ node: ConfigNode) -> CheckConfig? {
        guard let fields = reader.mapping(node, keys: Self.checkKeys, expected: "a check like { name: tests, run: make test }") else {
            return nil
        }
        let timeout = fields["timeout"].flatMap { reader.duration($0, positive: true) } ?? .seconds(600)
        switch (fields["run"], fields["coverage"]) {
        case (let run?, nil):
            guard let command = reader.nonEmptyString(run, expected: "a command like \"swift test\"") else { return nil }
            let name = fields["name"].flatMap { reader.nonEmptyString($0, expected: "a name") } ?? command
            return CheckConfig(name: name, kind: .command(command), timeout: timeout)
        case (nil, let coverage?):
            guard let settings = reader.mapping(coverage, keys: Self.coverageKeys),
                  let report = reader.required("report", in: settings).flatMap({ reader.nonEmptyString($0, expected: "a report path") }),
                  let minimum = reader.required("min", in: settings).flatMap(percent)
            else { return nil }
            let name = fields["name"].flatMap { reader.nonEmptyString($0, expected: "a name") } ?? "coverage"
            return CheckConfig(name: name, kind: .coverage(report: report, minimum: minimum), timeout: timeout)
        case (_?, _?):
            reader.log.add("a check has either run: or coverage:, not both", at: node)
            return nil
        case (nil, nil):
            reader.log.add("a check needs run: (a command) or coverage: (a report and a minimum)", at: node)
            return nil
        }
    }

    private func percent(_ node: ConfigNode) -> Double? {
        guard let text = reader.string(node, expected: "a percentage from 0 to 100"), let value = Double(text),
              (0...100).contains(value) else {
            reader.log.add("expected a percentage from 0 to 100, got \(node.found)", at: node)
            return nil
        }
        return value
    }

    /// `{ http: { path: /api/x, expect: { status: 200 } } }` or `{ run: ./scripts/smoke.sh }`.
    private func smokeTest(_ node: ConfigNode) -> SmokeTestConfig? {
        guard let fields = reader.mapping(node, keys: Self.smokeKeys, expected: "a smoke test like { run: ./smoke.sh }") else {
            return nil
        }
        let timeout = fields["timeout"].flatMap { reader.duration($0, positive: true) } ?? .seconds(60)
        switch (fields["http"], fields["run"]) {
        case (let http?, nil):
            guard let settings = reader.mapping(http, keys: Self.smokeHTTPKeys),
                  let pathNode = reader.required("path", in: settings),
                  let path = reader.string(pathNode, expected: "a path like /api/health")
            else { return nil }
            guard RouteRules.isValidRequestPath(path) else {
                reader.log.add("expected a path like /api/health (starting with \"/\", without \"#\" or spaces), got \(pathNode.found)", at: pathNode)
                return nil
            }
            var expect = HealthExpectation()
            if let expectNode = settings["expect"] {
                // The same expectation as a health check's: status and JSON fields.
                expect = HealthCheckDecoder(reader: reader).expectation(expectNode)
            }
            return SmokeTestConfig(kind: .http(path: path, expect: expect), timeout: timeout)
        case (nil, let run?):
            guard let command = reader.nonEmptyString(run, expected: "a command like ./scripts/smoke.sh") else { return nil }
            return SmokeTestConfig(kind: .command(command), timeout: timeout)
        case (_?, _?):
            reader.log.add("a smoke test has either http: or run:, not both", at: node)
            return nil
        case (nil, nil):
            reader.log.add("a smoke test needs http: (a request) or run: (a command)", at: node)
            return nil
        }
    }
}

/// After every service and database is decoded: names a service refers to must exist, and
/// `depends_on` must not loop.
enum PipelineReferences {
    static func report(_ references: [(service: String, references: [ServiceReference])], services: [ServiceConfig],
                       databases: [DatabaseConfig], databasesWritten: Bool, to log: IssueLog) {
        let serviceNames = Set(services.map(\.name))
        let databaseNames = Set(databases.map(\.name))
        for (service, list) in references {
            for reference in list {
                switch reference.kind {
                case .service where reference.name == service:
                    log.add("a service cannot depend on itself", at: reference.node)
                case .service where !serviceNames.contains(reference.name):
                    log.add("no service named \(ConfigNode.quoted(reference.name)) (services: \(services.map(\.name).joined(separator: ", ")))",
                            at: reference.node)
                case .database where !databaseNames.contains(reference.name) && databasesWritten:
                    log.add("no database named \(ConfigNode.quoted(reference.name)) under databases:", at: reference.node)
                case .database where !databasesWritten:
                    log.add("database \(ConfigNode.quoted(reference.name)) is not declared: add it under databases:", at: reference.node)
                default:
                    break
                }
            }
        }
        // A cycle: walk depends_on from each service; report once, at the first service in file order on it.
        let byName = Dictionary(services.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for (service, list) in references {
            var seen: Set<String> = []
            var stack = byName[service]?.dependsOn ?? []
            while let next = stack.popLast() {
                if next == service, let first = list.first(where: { $0.kind == .service }) {
                    log.add("depends_on forms a cycle through \(ConfigNode.quoted(service))", at: first.node)
                    return
                }
                if seen.insert(next).inserted { stack.append(contentsOf: byName[next]?.dependsOn ?? []) }
            }
        }
    }
}
