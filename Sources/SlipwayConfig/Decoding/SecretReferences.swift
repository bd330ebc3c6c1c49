import SlipwayModel

/// `${VAR}` references outside `notify:`: in each service's `env:` values (expanded here, after
/// `ServiceDecoder` has read them as written), in its purge steps (checked but kept as written:
/// `SecretReferences+Publish`) and in `databases.*.url` (expanded by `DatabaseDecoder`).
/// Collects the values every reference brought in, which are secrets wherever they appear.
///
/// The document is walked a second time with a scratch log, so a problem `ServiceDecoder` or
/// `DatabaseDecoder` already reported is not reported twice; only expansion problems of `env:`
/// values and purge steps reach the real log.
struct SecretReferences {
    let reader: ConfigReader
    let environment: [String: String]
    /// See `SecretExpansion.scope`.
    var scope = ""

    var quiet: ConfigReader {
        ConfigReader(document: reader.document, log: IssueLog(file: reader.log.file), overlayPaths: reader.overlayPaths)
    }

    /// Expands the `env:` values of `services` (those their decoder accepted) in place and checks
    /// their purge steps' references (`expandPublish`); returns the values the references bring in.
    func expandServiceEnvironments(_ servicesNode: ConfigNode?, in services: inout [ServiceConfig]) -> [String] {
        guard let servicesNode, let entries = quiet.mapping(servicesNode)?.entries else { return [] }
        var secrets: [String] = []
        for entry in entries {
            guard let index = services.firstIndex(where: { $0.name == entry.key }) else { continue }
            secrets += expandEnvironment(of: entry.value, in: &services[index])
            secrets += expandPublish(of: entry.value, in: &services[index])
        }
        return secrets
    }

    /// Expands the `env:` values of the one service decoded from `serviceNode`.
    func expandEnvironment(of serviceNode: ConfigNode, in service: inout ServiceConfig) -> [String] {
        guard let envNode = quiet.mapping(serviceNode)?["env"], let variables = quiet.mapping(envNode)?.entries else {
            return []
        }
        let expansion = SecretExpansion(reader: reader, environment: environment, scope: scope)
        var secrets: [String] = []
        for variable in variables {
            guard let written = service.env[variable.key], variable.value.scalarText == written else { continue }
            if let value = expansion.expand(written, at: variable.value) {
                service.env[variable.key] = value.text
                secrets += value.secrets
            }
        }
        return secrets
    }

    /// The values `${VAR}` references brought into `databases.*.url`.
    func databaseSecrets(_ databasesNode: ConfigNode?) -> [String] {
        guard let databasesNode, let entries = quiet.mapping(databasesNode)?.entries else { return [] }
        return entries.flatMap { entry -> [String] in
            guard let url = quiet.mapping(entry.value)?["url"]?.scalarText,
                  case .success(let expanded) = EnvironmentExpansion.expand(url, environment: environment) else {
                return []
            }
            return expanded.variables.compactMap { environment[$0] }.filter { !$0.isEmpty }
        }
    }

    /// Each secret once, in the order first found.
    static func unique(_ secrets: [String]) -> [String] {
        var seen = Set<String>()
        return secrets.filter { seen.insert($0).inserted }
    }
}
