import SlipwayModel

/// `static:` of a service (issue 17): its releases are folders of files the proxy serves itself,
/// with no process. The keys that describe a process are refused beside it, each saying why, and
/// `publish:` is allowed only beside it.
extension ServiceDecoder {
    static let staticKeys = ConfigSchema.staticSite.keyNames
    /// Set by the proxy for each response it serves from a file (its length, its range, the
    /// encoding of the precompressed sibling it picked) or about the connection itself: a rule
    /// setting one would break the response it is added to.
    static let reservedHeaders: Set<String> = [
        "connection", "content-encoding", "content-length", "content-range", "keep-alive", "transfer-encoding", "upgrade",
    ]

    /// The runtime of a service with `static:`. `runtime:` beside it is refused: the block already
    /// says what runs (nothing), and `runtime: docker` beside it would be two answers.
    func staticRuntime(_ fields: MappingFields) -> ServiceRuntime {
        if let node = fields["runtime"] {
            reader.log.add("a service with static: is a static site, with no process nor container (the proxy serves "
                           + "its files): remove runtime:", at: node)
        }
        return .staticSite
    }

    /// `static:` and `publish:`, once the delivery keys are decoded (the static site refuses those
    /// that describe processes).
    func decodeStaticSite(_ fields: MappingFields, into service: inout ServiceConfig) {
        guard let node = fields["static"] else {
            if let publish = fields["publish"] {
                reader.log.add("publish: is for static sites (a service with a static: block): its steps upload or purge "
                               + "the site's files after the switch", at: publish)
            }
            return
        }
        service.runtime = .staticSite
        // Its health check is its files (the entry page and what it references) and `GET /` as
        // the proxy answers it: the entry page, 200.
        service.health.path = "/"
        refuseProcessKeys(fields, delivery: service.delivery)
        if let publish = fields["publish"] { service.publish = publishSteps(publish) }
        let site = staticSite(node)
        service.staticSite = site.config
        // Written wrong (reported), `retain` keeps its default, which is more than 1.
        if let retainAssets = site.retainAssets, retainAssets > .zero, service.retain < 2, let retainNode = fields["retain"] {
            reader.log.add("retain must be at least 2 while static.retain_assets is more than 0s: the previous release's "
                           + "files are still served for retain_assets after a switch, so its folder must be kept; "
                           + "got \(service.retain) (or write retain_assets: 0s)", at: retainNode)
        }
    }

    /// The keys of a service that runs processes, each a mistake beside `static:`. A value that
    /// changes nothing (`replicas: 1`, `strategy: switch`, `sticky: false`) is accepted, so that an
    /// environment's overlay may write it.
    private func refuseProcessKeys(_ fields: MappingFields, delivery: DeliveryConfig) {
        let noProcess = "a static site has no process"
        if let node = fields["run"] {
            reader.log.add("\(noProcess) to run: build: makes its files and the proxy serves them; remove run:", at: node)
        }
        if let node = fields["health"] {
            reader.log.add("\(noProcess) to probe: the proxy checks the site's files instead (that its root holds "
                           + "static.entry); remove health:", at: node)
        }
        if let node = fields["stop_timeout"] {
            reader.log.add("\(noProcess) to stop; remove stop_timeout:", at: node)
        }
        if let node = fields["replicas"], delivery.replicas != 1 {
            reader.log.add("\(noProcess) to replicate: the proxy serves its files; replicas must be 1, got \(delivery.replicas)",
                           at: node)
        }
        if let node = fields["strategy"], delivery.strategy != .switch {
            reader.log.add("a static site switches to its new files at once: strategy must be switch, "
                           + "got \(delivery.strategy.rawValue)", at: node)
        }
        for key in ["recreate", "rolling", "blue_green", "canary"] {
            guard let node = fields[key] else { continue }
            reader.log.add("\(key) replaces processes; a static site switches to its new files at once (strategy: switch): "
                           + "remove \(key):", at: node)
        }
        if let node = fields["balance"] {
            reader.log.add("balance spreads requests over replicas; a static site has none, the proxy serves its files",
                           at: node)
        }
        if let node = fields["sticky"], !reader.isOff(node) {
            reader.log.add("sticky keeps a client on one replica; a static site has none, the proxy serves its files",
                           at: node)
        }
    }

    /// The block, nil when anything in it is wrong (reported), and `retain_assets` (nil when
    /// written wrong, so that the rule about `retain` keeps quiet).
    private func staticSite(_ node: ConfigNode) -> (config: StaticSiteConfig?, retainAssets: Duration?) {
        guard let fields = reader.mapping(node, keys: Self.staticKeys, expected: "a mapping like { root: dist }") else {
            return (nil, nil)
        }
        var site = StaticSiteConfig()
        var valid = true
        func read<Value>(_ key: String, _ decode: (ConfigNode) -> Value?, into value: WritableKeyPath<StaticSiteConfig, Value>) {
            guard let node = fields[key] else { return }
            if let decoded = decode(node) { site[keyPath: value] = decoded } else { valid = false }
        }
        if let rootNode = reader.required("root", in: fields),
           let root = relativePath(rootNode, expected: "a folder inside the release like dist", folder: true) {
            site.root = root
        } else {
            valid = false
        }
        let file = "a file inside static.root like"
        read("entry", { relativePath($0, expected: "\(file) index.html", folder: false) }, into: \.entry)
        read("spa", reader.bool, into: \.spa)
        read("headers", headerRules, into: \.headers)
        if let node = fields["not_found"] {
            site.notFound = relativePath(node, expected: "\(file) 404.html", folder: false)
            if site.notFound == nil { valid = false }
        }
        read("precompress", reader.bool, into: \.precompress)
        var retainAssets: Duration? = site.retainAssets
        if let retainNode = fields["retain_assets"] {
            // 0s turns retaining off: the old release's files go at the switch.
            retainAssets = reader.duration(retainNode)
            if let retainAssets { site.retainAssets = retainAssets } else { valid = false }
        }
        return (valid ? site : nil, retainAssets)
    }

    /// A path inside the release (`root`) or inside the site (`entry`, `not_found`): relative, never
    /// through `..` (nothing outside the release is ever served), without control characters. `.`
    /// segments and repeated slashes are dropped (`./dist/` is `dist`); a folder may be `.`, the
    /// release itself.
    private func relativePath(_ node: ConfigNode, expected: String, folder: Bool) -> String? {
        guard let text = reader.nonEmptyString(node, expected: expected) else { return nil }
        let components = text.split(separator: "/").filter { $0 != "." }
        let problem: String? = if text.hasPrefix("/") {
            "the path is relative to \(folder ? "the release directory" : "static.root"), not absolute"
        } else if components.contains("..") {
            "the path cannot lead out with \"..\""
        } else if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            "the path cannot hold control characters"
        } else if !folder && (components.isEmpty || text.hasSuffix("/")) {
            "a file, not a folder"
        } else {
            nil
        }
        if let problem {
            reader.log.add("expected \(expected), got \(node.found): \(problem)", at: node)
            return nil
        }
        return components.isEmpty ? "." : components.joined(separator: "/")
    }

    /// `headers:` of a static site: path globs, each with its headers, both in the order written
    /// (a later rule's header replaces an earlier one's: the order is meaningful).
    private func headerRules(_ node: ConfigNode) -> [StaticHeaderRule]? {
        let expected = "a mapping of path patterns to headers like \"/assets/*\": { Cache-Control: \"max-age=600\" }"
        guard let fields = reader.mapping(node, expected: expected) else { return nil }
        var rules: [StaticHeaderRule] = []
        var valid = true
        for entry in fields.entries {
            guard RouteRules.isValidRoutePath(entry.key) else {
                reader.log.add("expected a path pattern starting with \"/\" like \"/assets/*\" (no spaces, \"?\" or \"#\"), "
                               + "got \(ConfigNode.quoted(entry.key))", at: entry.keyPosition, path: entry.value.path)
                valid = false
                continue
            }
            guard let headers = headerFields(entry.value, reserved: Self.reservedHeaders) else {
                valid = false
                continue
            }
            rules.append(StaticHeaderRule(pattern: entry.key, fields: headers))
        }
        return valid ? rules : nil
    }

    /// Header names and values in the order written: names HTTP tokens, each once whatever its case
    /// (HTTP ignores it), values on one line, since a line break would end the header and start
    /// another. With `reserved`, names the proxy sets itself (lowercased) are refused.
    func headerFields(_ node: ConfigNode, reserved: Set<String> = []) -> [HeaderField]? {
        guard let fields = reader.mapping(node, expected: "a mapping of header names to values like { Cache-Control: no-cache }")
        else { return nil }
        var headers: [HeaderField] = []
        var valid = true
        for entry in fields.entries {
            let lowercased = entry.key.lowercased()
            var problem: String?
            if !HTTPTokenRules.isToken(entry.key) {
                problem = "invalid header name \(ConfigNode.quoted(entry.key)): use \(HTTPTokenRules.tokenRule) (an HTTP token)"
            } else if reserved.contains(lowercased) {
                problem = "\(entry.key) is set by the proxy for each response it serves; it cannot be set here"
            } else if let first = headers.first(where: { $0.name.lowercased() == lowercased }) {
                problem = "header \(ConfigNode.quoted(entry.key)) is already set here as \(ConfigNode.quoted(first.name)) "
                    + "(header names ignore case)"
            }
            if let problem {
                reader.log.add(problem, at: entry.keyPosition, path: entry.value.path)
                valid = false
                continue
            }
            guard let value = reader.string(entry.value, expected: "a header value") else {
                valid = false
                continue
            }
            // HTAB is allowed inside a field value (RFC 9110 §5.5); no other control character is.
            guard !value.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }) else {
                reader.log.add("a header value must be one line without control characters, got \(entry.value.found)",
                               at: entry.value)
                valid = false
                continue
            }
            headers.append(HeaderField(name: entry.key, value: value))
        }
        return valid ? headers : nil
    }
}
