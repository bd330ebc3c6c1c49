import SlipwayModel

/// `${VAR}` in a static site's purge steps (`publish:`). Unlike `env:` values they are not
/// expanded here: a purge's URL and headers become the step's name in records and messages, and
/// its token would be printed with them. The step expands them when it runs. They are checked
/// here all the same, with the variables the step will see (the daemon's environment and the
/// environment's secrets file), so that a variable not set fails `slipway check` and the load of
/// the file rather than the deployment after its switch; and what each one holds joins the
/// secrets, so that the redactor hides it wherever the step's output or error is shown.
extension SecretReferences {
    /// The values the purge steps of the service decoded from `serviceNode` refer to; each
    /// step's `expanded` gets its texts as they will be sent. Only the texts its decoder accepted
    /// are checked: a value it refused is reported already.
    func expandPublish(of serviceNode: ConfigNode, in service: inout ServiceConfig) -> [String] {
        let accepted = Set(service.publish.flatMap { step -> [String] in
            guard case .purge(let url, _, let headers) = step.kind else { return [] }
            return [url] + headers.map(\.value)
        })
        guard !accepted.isEmpty, let publishNode = quiet.mapping(serviceNode)?["publish"],
              let steps = quiet.list(publishNode) else { return [] }
        let expansion = SecretExpansion(reader: reader, environment: environment, scope: scope)
        var secrets: [String] = []
        var expanded: [String: String] = [:]
        for step in steps {
            guard let purgeNode = quiet.mapping(step)?["purge"], let purge = quiet.mapping(purgeNode) else { continue }
            let headers = purge["headers"].flatMap { quiet.mapping($0)?.entries.map(\.value) } ?? []
            for node in [purge["url"]].compactMap({ $0 }) + headers {
                guard let text = node.scalarText, accepted.contains(text),
                      let value = expansion.expand(text, at: node) else { continue }
                secrets += value.secrets
                if value.text != text { expanded[text] = value.text }
            }
        }
        for index in service.publish.indices {
            guard case .purge(let url, _, let headers) = service.publish[index].kind else { continue }
            for text in [url] + headers.map(\.value) { service.publish[index].expanded[text] = expanded[text] }
        }
        return secrets
    }
}
