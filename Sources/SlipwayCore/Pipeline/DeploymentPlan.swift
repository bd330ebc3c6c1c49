import SlipwayModel

/// Which services a change deploys and in what order: the services whose trigger paths match a
/// changed file, in waves; a wave's services are independent and deploy in parallel, and a service
/// comes in a later wave than every service it `depends_on` that is also deployed.
package struct DeploymentPlan: Sendable, Equatable {
    package struct Entry: Sendable, Equatable {
        package var service: String
        /// The changed files that selected it (empty when asked for by name).
        package var because: [String]
    }

    package var waves: [[Entry]]

    package var services: [String] { waves.flatMap { $0.map(\.service) } }

    /// Plans the services whose `paths` match any of `changedFiles`.
    package static func forChanges(_ changedFiles: [String], services: [ServiceConfig]) throws -> DeploymentPlan {
        var selected: [String: [String]] = [:]
        for service in services {
            let patterns = service.paths.map(PathPattern.init)
            let hits = changedFiles.filter { file in patterns.contains { $0.matches(file) } }
            if !hits.isEmpty { selected[service.name] = hits }
        }
        return try ordered(selected, services: services)
    }

    /// Plans exactly the named services, ordered by their dependencies.
    package static func forServices(_ names: [String], services: [ServiceConfig]) throws -> DeploymentPlan {
        try ordered(Dictionary(uniqueKeysWithValues: names.map { ($0, []) }), services: services)
    }

    private static func ordered(_ selected: [String: [String]], services: [ServiceConfig]) throws -> DeploymentPlan {
        let byName = Dictionary(uniqueKeysWithValues: services.map { ($0.name, $0) })
        for name in selected.keys where byName[name] == nil {
            throw SlipwayError(.unknownService, "no service named \"\(name)\"", context: ErrorContext(service: name))
        }
        // Kahn's algorithm over the selected services only, keeping the config's order within a wave.
        var remaining = services.map(\.name).filter { selected[$0] != nil }
        var placed: Set<String> = []
        var waves: [[Entry]] = []
        while !remaining.isEmpty {
            let ready = remaining.filter { name in
                (byName[name]?.dependsOn ?? []).allSatisfy { dependency in selected[dependency] == nil || placed.contains(dependency) }
            }
            guard !ready.isEmpty else {
                throw SlipwayError(.configInvalid, "depends_on forms a cycle among \(remaining.joined(separator: ", "))")
            }
            waves.append(ready.map { Entry(service: $0, because: selected[$0] ?? []) })
            placed.formUnion(ready)
            remaining.removeAll { placed.contains($0) }
        }
        return DeploymentPlan(waves: waves)
    }
}
