import SlipwayModel

/// `publish:` of a static site: steps run in order after the switch, each a command (`run:`) or
/// an HTTP request (`purge:`), with a `timeout` (5 minutes by default).
///
/// `${VAR}` in a purge's URL and header values is kept as written: the step expands it when it
/// runs (`PublishStep`), so the configuration, the step's name in records and every message show
/// the reference, never a token. `SecretReferences.expandPublish` checks each reference against
/// the variables when the file is loaded and adds what they hold to the secrets the redactor hides.
extension ServiceDecoder {
    static let publishKeys = ConfigSchema.publishStep.keyNames
    static let purgeKeys = ConfigSchema.purge.keyNames

    func publishSteps(_ node: ConfigNode) -> [PublishStep] {
        guard let items = reader.list(node, expected: "a list of steps like - run: ./scripts/upload.sh") else { return [] }
        return items.compactMap(publishStep)
    }

    /// `{ run: ./scripts/upload.sh, timeout: 10m }` or `{ purge: { url: …, method: POST, headers: … } }`.
    private func publishStep(_ node: ConfigNode) -> PublishStep? {
        guard let fields = reader.mapping(node, keys: Self.publishKeys,
                                          expected: "a step like { run: ./scripts/upload.sh } or { purge: { url: … } }")
        else { return nil }
        let timeout = fields["timeout"].flatMap { reader.duration($0, positive: true) } ?? .seconds(300)
        switch (fields["run"], fields["purge"]) {
        case (let run?, nil):
            guard let command = reader.nonEmptyString(run, expected: "a command like ./scripts/upload.sh") else { return nil }
            return PublishStep(kind: .command(command), timeout: timeout)
        case (nil, let purge?):
            return self.purge(purge).map { PublishStep(kind: $0, timeout: timeout) }
        case (_?, _?):
            reader.log.add("a publish step has either run: or purge:, not both", at: node)
            return nil
        case (nil, nil):
            reader.log.add("a publish step needs run: (a command) or purge: (an HTTP request)", at: node)
            return nil
        }
    }

    private func purge(_ node: ConfigNode) -> PublishStep.Kind? {
        guard let fields = reader.mapping(node, keys: Self.purgeKeys,
                                          expected: "a mapping like { url: \"https://api.cdn.example/purge\" }")
        else { return nil }
        let url = reader.required("url", in: fields).flatMap(purgeURL)
        var method: String? = "POST"
        if let methodNode = fields["method"] {
            method = reader.string(methodNode, expected: "an HTTP method like POST")
            if let text = method, !HTTPTokenRules.isToken(text) {
                reader.log.add("expected an HTTP method like POST or PURGE (\(HTTPTokenRules.tokenRule)), "
                               + "got \(methodNode.found)", at: methodNode)
                method = nil
            }
        }
        var headers: [HeaderField]? = []
        if let headersNode = fields["headers"] { headers = headerFields(headersNode) }
        guard let url, let method, let headers else { return nil }
        return .purge(url: url, method: method, headers: headers)
    }

    /// An `http://` or `https://` URL with a host, as written. Each `${VAR}` in it stands for a
    /// placeholder while its shape is checked, so the scheme must be written out; a malformed
    /// reference is left to `SecretReferences`, which reports every reference problem.
    private func purgeURL(_ node: ConfigNode) -> String? {
        let expected = NotifyURLRules.expected + " like https://api.cdn.example/purge"
        guard let text = reader.nonEmptyString(node, expected: expected) else { return nil }
        let shape: String? = switch EnvironmentExpansion.expand(text, environment: [:]) {
        case .success(let expanded): expanded.value
        case .failure(.undefined(let names)):
            try? EnvironmentExpansion.expand(text, environment: Dictionary(names.map { ($0, "x") }) { first, _ in first })
                .get().value
        case .failure(.malformed): nil
        }
        if let shape, !NotifyURLRules.isValid(shape) {
            reader.log.add("expected \(expected), got \(node.found)", at: node)
            return nil
        }
        return text
    }
}
