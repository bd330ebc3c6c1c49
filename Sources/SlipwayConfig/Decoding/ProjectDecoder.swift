import Foundation
import SlipwayModel

/// Turns the composed document into a `ProjectConfig`, recording every problem in the reader's log.
struct ProjectDecoder {
    let reader: ConfigReader
    let environment: [String: String]
    /// The directory holding the file, when it was read from one: what `image.context` must name a
    /// directory of.
    let repository: String?
    /// The absolute directory of the file (or, for text that names no real file, of the name it
    /// is given): what an environment's `secrets:` is relative to.
    let configDirectory: String

    var proxyDecoder: ProxyDecoder {
        ProxyDecoder(reader: reader, root: configDirectory, checksFiles: repository != nil)
    }

    static let keys = ConfigSchema.project.keyNames

    /// The configuration, or nil when any issue was recorded.
    func decode(file: String) -> ProjectConfig? {
        guard let rootNode = reader.document.root else {
            reader.log.add("the file is empty; it needs a services: or databases: mapping", at: .start, path: .root)
            return nil
        }
        let root = ConfigNode(node: rootNode, path: .root, position: SourcePosition(rootNode.mark) ?? .start)
        guard let fields = reader.mapping(root, keys: Self.keys, expected: "a mapping with a services: or databases: key")
        else { return nil }
        let decodedProxy = fields["proxy"].map { proxyDecoder.decode($0) }
        var proxy = decodedProxy?.proxy ?? ProxyConfig()
        let api = fields["api"].flatMap {
            APIDecoder(reader: reader, repository: repository, root: (file as NSString).deletingLastPathComponent).decode($0)
        }
        let github = fields["github"].flatMap {
            GitHubDecoder(reader: reader, configDirectory: configDirectory,
                          shownDirectory: (reader.log.file as NSString).deletingLastPathComponent).decode($0)
        }
        requireServicesOrDatabases(in: fields)
        let layout: ServiceLayout
        let databases: [DatabaseConfig]
        if let environmentsNode = fields["environments"] {
            databases = fields["databases"].map(decodeDatabases) ?? []
            layout = decodeEnvironments(environmentsNode, services: fields["services"], proxy: proxy, proxyACME: decodedProxy?.acme,
                                        databases: databases, databasesWritten: fields["databases"] != nil)
        } else {
            let decoded = fields["services"].map(decodeServices) ?? []
            var services = decoded.map(\.config)
            databases = fields["databases"].map(decodeDatabases) ?? []
            PipelineReferences.report(decoded.map { ($0.config.name, $0.references) }, services: services,
                                      databases: databases, databasesWritten: fields["databases"] != nil, to: reader.log)
            let secrets = SecretReferences(reader: reader, environment: environment)
                .expandServiceEnvironments(fields["services"], in: &services)
            layout = ServiceLayout(services: services, environments: nil, secrets: secrets)
            ACMEHosts.assign(to: &proxy, services: services, routesValid: decoded.allSatisfy(\.routeIsValid),
                             acme: decodedProxy?.acme, environment: nil, log: reader.log)
        }
        if let api, api.sharesProxyTLS, proxy.tls == nil, !(layout.environments ?? []).contains(where: { $0.proxy.tls != nil }),
           let apiNode = fields["api"], let tlsNode = reader.mapping(apiNode, keys: ConfigSchema.api.keyNames)?["tls"] {
            reader.log.add("tls: proxy shares the proxy's certificates, but no proxy: of this file has tls:; "
                           + "add proxy.tls, or give the API its own tls: { cert: FILE, key: FILE }", at: tlsNode)
        }
        let notify = fields["notify"].map { NotifyDecoder(reader: reader, environment: environment).decode($0) }
        let references = SecretReferences(reader: reader, environment: environment)
        let secrets = references.databaseSecrets(fields["databases"]) + layout.secrets + (notify?.secrets ?? [])
            + (github.map { [$0.secret] } ?? [])
        guard reader.log.isEmpty else { return nil }
        return ProjectConfig(file: file, proxy: proxy, services: layout.services, databases: databases,
                             notify: notify?.channels ?? [], secrets: SecretReferences.unique(secrets),
                             environments: layout.environments, api: api, github: github)
    }

    /// The services of every environment, the environments (nil: the one default), and the values
    /// the services' `${VAR}` references brought in.
    struct ServiceLayout {
        let services: [ServiceConfig]
        let environments: [EnvironmentConfig]?
        let secrets: [String]
    }

    private func decodeServices(_ node: ConfigNode) -> [DecodedService] {
        guard let fields = reader.mapping(node, expected: "a mapping of service names to their settings") else {
            return []
        }
        let decoder = ServiceDecoder(reader: reader, repository: repository)
        let services = fields.entries.compactMap { entry in
            if !NameRules.isValidName(entry.key) {
                reader.log.add("invalid service name \(ConfigNode.quoted(entry.key)): \(NameRules.nameRule)",
                               at: entry.keyPosition, path: entry.value.path)
            }
            return decoder.decode(name: entry.key, keyPosition: entry.keyPosition, node: entry.value)
        }
        RouteConflicts.report(services, to: reader.log)
        return services
    }

    /// A file deploys services, or only migrates and backs up databases (Slipway as a Flyway replacement),
    /// or both; with neither there is nothing to do. An empty section is an issue only when it is all there is.
    private func requireServicesOrDatabases(in fields: MappingFields) {
        let services = fields["services"]
        let databases = fields["databases"]
        guard services != nil || databases != nil else {
            reader.log.add(#"missing required key "services" or "databases""#, at: fields.node)
            return
        }
        if let services, isEmptyMapping(services), databases.map(isEmptyMapping) ?? true {
            reader.log.add("expected at least one service", at: services)
        } else if services == nil, let databases, isEmptyMapping(databases) {
            reader.log.add("expected at least one database", at: databases)
        }
    }

    /// A mapping with no entries, or nothing at all (`services:` with every entry commented out).
    private func isEmptyMapping(_ node: ConfigNode) -> Bool {
        if node.isNull { return true }
        guard case .mapping(let mapping) = node.node else { return false }
        return mapping.isEmpty
    }

    private func decodeDatabases(_ node: ConfigNode) -> [DatabaseConfig] {
        guard let fields = reader.mapping(node, expected: "a mapping of database names to their settings") else {
            return []
        }
        let decoder = DatabaseDecoder(reader: reader, environment: environment)
        return fields.entries.compactMap { entry in
            if !NameRules.isValidName(entry.key) {
                reader.log.add("invalid database name \(ConfigNode.quoted(entry.key)): \(NameRules.nameRule)",
                               at: entry.keyPosition, path: entry.value.path)
            }
            return decoder.decode(name: entry.key, node: entry.value)
        }
    }
}
