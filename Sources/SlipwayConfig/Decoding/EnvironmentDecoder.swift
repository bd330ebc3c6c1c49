import SlipwayModel

/// One entry of `environments:` as written. What it says about other environments and about
/// services is checked once all are decoded (`EnvironmentRules`, `ProjectDecoder+Environments`).
struct DecodedEnvironment {
    var config: EnvironmentConfig
    /// The environment's name as a key: where an issue about the environment as a whole points.
    let keyPosition: SourcePosition?
    let path: KeyPath
    /// `proxy.listen` when written; nil: the environment listens where the top-level proxy says.
    let listen: ConfigNode?
    /// `proxy.tls.acme` when the environment writes its own `proxy.tls`; nil: the top-level one's, if any.
    let acme: ConfigNode?
    let promoteFrom: ConfigNode?
    /// `env:`, layered over every service's own `env:`.
    let env: MappingFields.Entry?
    /// `services:`: each entry an overlay over the service of that name.
    let overlays: [MappingFields.Entry]
    /// `secrets:`, read; nil when not written or not readable (reported).
    let secrets: EnvironmentSecrets.Loaded?
    /// `secrets:` is written but could not be read: a reference it would have resolved is not
    /// reported as unset too.
    let secretsUnreadable: Bool
}

/// Decodes one environment's own settings. Every key left out keeps what `EnvironmentConfig` gives
/// it, except `proxy`, whose keys default to the top-level `proxy:`.
struct EnvironmentDecoder {
    let reader: ConfigReader
    let topLevelProxy: ProxyConfig
    /// Decodes an environment's own `proxy:` (certificate paths relative to the file's directory).
    let proxyDecoder: ProxyDecoder
    /// The absolute directory of `slipway.yml`, which `secrets:` is relative to.
    let configDirectory: String
    /// That directory as the caller named the file, for messages.
    let shownDirectory: String

    static let keys = ConfigSchema.environment.keyNames
    static let tagKeys = ConfigSchema.tags.keyNames
    static let approvalKeys = ConfigSchema.approvals.keyNames
    static let hotfixKeys = ConfigSchema.hotfix.keyNames

    func decode(_ entry: MappingFields.Entry) -> DecodedEnvironment? {
        checkName(entry)
        guard let fields = reader.mapping(entry.value, keys: Self.keys, expected: "a mapping of the environment's settings")
        else { return nil }
        var config = EnvironmentConfig(name: entry.key, proxy: topLevelProxy)
        var listen: ConfigNode?
        var acme: ConfigNode?
        if let node = fields["proxy"] {
            (config.proxy, listen, acme) = proxyDecoder.decode(node, over: topLevelProxy)
        }
        config.branch = fields["branch"].flatMap(branch)
        config.tags = fields["tags"].flatMap(tagPolicy)
        config.promoteFrom = fields["promote_from"].flatMap { reader.nonEmptyString($0, expected: "an environment name") }
        config.approvals = fields["approvals"].flatMap(approvalPolicy)
        if let wait = fields["wait_timer"].flatMap({ reader.duration($0) }) { config.waitTimer = wait }
        config.approvalTimeout = fields["approval_timeout"].flatMap { reader.duration($0, positive: true) }
        config.rollbackWindow = fields["rollback_window"].flatMap { reader.duration($0, positive: true) }
        config.hotfix = fields["hotfix"].flatMap(hotfixPolicy)
        let secrets = fields["secrets"].flatMap(secretsFile)
        config.secretsFile = secrets?.path
        let env = fields.entries.first { $0.key == "env" }
        // Read here so that an issue in it is reported even where no service takes it in; the
        // services report the same issues again, which the log drops.
        if let env { _ = ServiceDecoder(reader: reader, repository: nil).environment(env.value) }
        let overlays = fields["services"].flatMap {
            reader.mapping($0, expected: "a mapping of service names to the settings they change in this environment")
        }?.entries ?? []
        return DecodedEnvironment(config: config, keyPosition: entry.keyPosition, path: entry.value.path, listen: listen, acme: acme,
                                  promoteFrom: fields["promote_from"], env: env, overlays: overlays, secrets: secrets,
                                  secretsUnreadable: fields["secrets"] != nil && secrets == nil)
    }

    /// Like service names, since environment names appear in the same places (records, paths, CLI
    /// arguments). `default` is the environment of a file without `environments:`, whose records
    /// spell no environment at all; a declared one by that name would be mistaken for it.
    private func checkName(_ entry: MappingFields.Entry) {
        if !NameRules.isValidName(entry.key) {
            reader.log.add("invalid environment name \(ConfigNode.quoted(entry.key)): \(NameRules.nameRule)",
                           at: entry.keyPosition, path: entry.value.path)
        } else if entry.key == ServiceKey.defaultEnvironment {
            reader.log.add("\"\(ServiceKey.defaultEnvironment)\" is reserved for the environment of a file without "
                           + "environments:; give this one a name of its own, like staging or production",
                           at: entry.keyPosition, path: entry.value.path)
        }
    }

    private func branch(_ node: ConfigNode) -> String? {
        guard let name = reader.nonEmptyString(node, expected: "a git branch name like main") else { return nil }
        guard BranchNameRules.isValid(name) else {
            reader.log.add("expected \(BranchNameRules.rule), got \(node.found)", at: node)
            return nil
        }
        return name
    }

    /// `tags: semver`, or `tags: { policy: semver, allow_prerelease: true }` to accept `v1.2.0-rc.1` too.
    private func tagPolicy(_ node: ConfigNode) -> TagPolicy? {
        let expected = "semver or { policy: semver, allow_prerelease: true }"
        guard case .mapping = node.node else {
            guard node.scalarText == "semver", !node.isNull else {
                reader.log.add("expected \(expected), got \(node.found)", at: node)
                return nil
            }
            return .semver(allowPrerelease: false)
        }
        guard let fields = reader.mapping(node, keys: Self.tagKeys),
              let policy = reader.required("policy", in: fields) else { return nil }
        let allowPrerelease = fields["allow_prerelease"].map { reader.bool($0) }
        guard policy.scalarText == "semver", !policy.isNull else {
            reader.log.add("expected semver (the only tag policy), got \(policy.found)", at: policy)
            return nil
        }
        guard let allowPrerelease else { return .semver(allowPrerelease: false) }
        return allowPrerelease.map { .semver(allowPrerelease: $0) }
    }

    /// `approvals: 2`, or `approvals: { required: 2, from: [bob, carol] }`.
    private func approvalPolicy(_ node: ConfigNode) -> ApprovalPolicy? {
        guard case .mapping = node.node else {
            return reader.integer(node, in: 1...Int.max,
                                  expected: "a number of approvals >= 1 or { required: 2, from: [bob, carol] }")
                .map { ApprovalPolicy(required: $0) }
        }
        guard let fields = reader.mapping(node, keys: Self.approvalKeys) else { return nil }
        let requiredNode = reader.required("required", in: fields)
        let required = requiredNode.flatMap { reader.integer($0, in: 1...Int.max, expected: "a number of approvals >= 1") }
        var from: [String]?
        if let fromNode = fields["from"] {
            from = approvers(fromNode)
            if let from, let required, let requiredNode, required > from.count {
                reader.log.add("\(required) approvals required, but from: names only \(from.count) approver(s); "
                               + "lower required or name more approvers", at: requiredNode)
                return nil
            }
        }
        guard let required, fields["from"] == nil || from != nil else { return nil }
        return ApprovalPolicy(required: required, from: from)
    }

    /// Actors: an OS user's name or a token's name. Anything printable without spaces; each once.
    private func approvers(_ node: ConfigNode) -> [String]? {
        guard let items = reader.list(node, expected: "a list of approvers like [bob, carol]") else { return nil }
        guard !items.isEmpty else {
            reader.log.add("expected at least one approver, got an empty list", at: node)
            return nil
        }
        var names: [String] = []
        var valid = true
        for item in items {
            guard let name = reader.nonEmptyString(item, expected: "an approver's name") else {
                valid = false
                continue
            }
            if name.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
                reader.log.add("expected an approver's name without spaces or control characters, got \(item.found)", at: item)
                valid = false
            } else if names.contains(name) {
                reader.log.add("approver \(ConfigNode.quoted(name)) is listed twice", at: item)
                valid = false
            } else {
                names.append(name)
            }
        }
        return valid ? names : nil
    }

    /// `hotfix: { approvals: 1 }`; 0: a hotfix passes a freeze without approvals.
    private func hotfixPolicy(_ node: ConfigNode) -> HotfixPolicy? {
        guard let fields = reader.mapping(node, keys: Self.hotfixKeys, expected: "a mapping like { approvals: 1 }"),
              let approvals = reader.required("approvals", in: fields)
                .flatMap({ reader.integer($0, in: 0...Int.max, expected: "a number of approvals >= 0") })
        else { return nil }
        return HotfixPolicy(approvals: approvals)
    }

    private func secretsFile(_ node: ConfigNode) -> EnvironmentSecrets.Loaded? {
        guard let written = reader.nonEmptyString(node, expected: "the path of a KEY=value file like secrets/staging.env")
        else { return nil }
        switch EnvironmentSecrets.load(written, configDirectory: configDirectory, shownDirectory: shownDirectory) {
        case .success(let loaded):
            return loaded
        case .failure(let problems):
            for message in problems.messages { reader.log.add(message, at: node) }
            return nil
        }
    }
}
