import Foundation
import SlipwayModel

/// `environments:`: every service once per environment, each decoded from its own mapping with the
/// environment's layers over it (`ServiceOverlay`), in this order, the later winning:
///
/// 1. the service's own settings under `services:` (what every environment shares);
/// 2. the environment's `env:`, merged into the service's `env:`;
/// 3. the environment's entry for the service under `environments.E.services`.
///
/// Each layer is more specific than the one below it, so it wins: `APP_ENV` set by the
/// environment beats a default the service gives itself, and a variable set for one service in
/// one environment beats both.
extension ProjectDecoder {
    func decodeEnvironments(_ node: ConfigNode, services servicesNode: ConfigNode?, proxy: ProxyConfig, proxyACME: ConfigNode?,
                            databases: [DatabaseConfig], databasesWritten: Bool) -> ServiceLayout {
        let empty = ServiceLayout(services: [], environments: [], secrets: [])
        guard let fields = reader.mapping(node, expected: "a mapping of environment names to their settings") else {
            return empty
        }
        guard !fields.entries.isEmpty else {
            reader.log.add("expected at least one environment (without environments:, every service runs in one)",
                           at: node)
            return empty
        }
        let shownDirectory = (reader.log.file as NSString).deletingLastPathComponent
        let decoder = EnvironmentDecoder(reader: reader, topLevelProxy: proxy, proxyDecoder: proxyDecoder, configDirectory: configDirectory,
                                         shownDirectory: shownDirectory)
        var environments = fields.entries.compactMap(decoder.decode)
        EnvironmentRules.report(environments, to: reader.log)

        let bases = baseServices(servicesNode)
        reportUnknownOverlays(environments, services: bases.map(\.key))
        var services: [ServiceConfig] = []
        var secrets: [String] = []
        for index in environments.indices {
            let environment = environments[index]
            let variables = environment.secrets.map { environmentVariables(overriddenBy: $0.values) } ?? self.environment
            var scope = " for environment \(ConfigNode.quoted(environment.config.name))"
            if let file = environment.secrets?.shown { scope += " (nor in \(file))" }
            var decoded: [(service: DecodedService, node: ConfigNode, reader: ConfigReader)] = []
            for base in bases {
                let (node, overlaidReader) = layered(base, in: environment)
                guard var service = ServiceDecoder(reader: overlaidReader, repository: repository)
                    .decode(name: base.key, keyPosition: base.keyPosition, node: node) else { continue }
                service.config.environment = environment.config.name
                decoded.append((service, node, overlaidReader))
            }
            RouteConflicts.report(decoded.map(\.service), to: reader.log)
            PipelineReferences.report(decoded.map { ($0.service.config.name, $0.service.references) },
                                      services: decoded.map(\.service.config), databases: databases,
                                      databasesWritten: databasesWritten, to: reader.log)
            for (service, node, overlaidReader) in decoded {
                var config = service.config
                guard !environment.secretsUnreadable else { continue }
                let references = SecretReferences(reader: overlaidReader, environment: variables, scope: scope)
                secrets += references.expandEnvironment(of: node, in: &config)
                secrets += references.expandPublish(of: node, in: &config)
                services.append(config)
            }
            ACMEHosts.assign(to: &environments[index].config.proxy, services: decoded.map(\.service.config),
                             routesValid: decoded.allSatisfy(\.service.routeIsValid), acme: environment.acme ?? proxyACME,
                             environment: environment.config.name, log: reader.log)
        }
        return ServiceLayout(services: services, environments: environments.map(\.config), secrets: secrets)
    }

    /// The entries of `services:`, each name checked once (not once per environment).
    private func baseServices(_ node: ConfigNode?) -> [MappingFields.Entry] {
        guard let node, let fields = reader.mapping(node, expected: "a mapping of service names to their settings") else {
            return []
        }
        for entry in fields.entries where !NameRules.isValidName(entry.key) {
            reader.log.add("invalid service name \(ConfigNode.quoted(entry.key)): \(NameRules.nameRule)",
                           at: entry.keyPosition, path: entry.value.path)
        }
        return fields.entries
    }

    /// An overlay changes a service declared under `services:`; it does not declare one (a service
    /// in one environment only would have nothing to promote from or to).
    private func reportUnknownOverlays(_ environments: [DecodedEnvironment], services: [String]) {
        let known = services.isEmpty ? "no services are declared" : "services: " + services.joined(separator: ", ")
        for environment in environments {
            for overlay in environment.overlays where !services.contains(overlay.key) {
                reader.log.add("no service named \(ConfigNode.quoted(overlay.key)) under services: (\(known))",
                               at: overlay.keyPosition, path: overlay.value.path)
            }
        }
    }

    /// The service's mapping with the environment's layers over it, and the reader that decodes it
    /// (knowing which keys came from an overlay).
    private func layered(_ base: MappingFields.Entry, in environment: DecodedEnvironment) -> (ConfigNode, ConfigReader) {
        var overlay = ServiceOverlay(reader: reader)
        var merged = base.value.node
        if let env = environment.env { merged = overlay.apply([env], to: merged) }
        if let own = environment.overlays.first(where: { $0.key == base.key }) {
            if let name = reader.mapping(own.value)?.entries.first(where: { $0.key == "name" }) {
                reader.log.add("a service's name is its key under services:; an environment cannot change it",
                               at: name.keyPosition, path: name.value.path)
            }
            merged = overlay.apply(own.value, to: merged, skipping: ["name"])
        }
        var overlaidReader = reader
        overlaidReader.overlayPaths = overlay.overlayPaths
        return (ConfigNode(node: merged, path: base.value.path, position: base.value.position), overlaidReader)
    }

    /// `${VAR}` in this environment: its secrets file first, then what every reference reads.
    private func environmentVariables(overriddenBy secrets: [String: String]) -> [String: String] {
        environment.merging(secrets) { _, fromFile in fromFile }
    }
}
