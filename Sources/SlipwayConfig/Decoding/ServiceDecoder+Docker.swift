import SlipwayModel

/// `runtime:`, and for `runtime: docker` the `image:`, `port`, `volumes` and `exclusive` of a service.
extension ServiceDecoder {
    static let dockerKeys = ["image", "port", "volumes", "exclusive"]
    static let imageKeys = ConfigSchema.image.keyNames

    /// `docker` or `process`; nil (reported) for anything else.
    func runtimeKind(_ node: ConfigNode) -> ServiceRuntime? {
        guard let text = reader.string(node, expected: "docker or process") else { return nil }
        // A static site is declared by its `static:` block, not by `runtime:`: the block is
        // where its settings go, and the only thing it needs (`root`) has no default.
        if ServiceRuntime(rawValue: text) == .staticSite {
            reader.log.add("expected docker or process, got \(node.found): static sites are declared with a static: block "
                           + "(static: { root: dist }) instead of runtime:", at: node)
            return nil
        }
        guard let runtime = ServiceRuntime(rawValue: text) else {
            reader.log.add("expected docker or process, got \(node.found)", at: node)
            return nil
        }
        return runtime
    }

    /// The container settings, nil when `image` or `port` is missing or wrong (each reported).
    func dockerSettings(_ fields: MappingFields) -> DockerServiceConfig? {
        let image = reader.required("image", in: fields).flatMap(image)
        let port = reader.required("port", in: fields)
            .flatMap { reader.integer($0, in: 1...65535, expected: "a port from 1 to 65535") }
        let volumes = fields["volumes"].map(volumes) ?? []
        let exclusive = fields["exclusive"].flatMap { reader.bool($0) } ?? false
        guard let image, let port else { return nil }
        return DockerServiceConfig(image: image.source, context: image.context, args: image.args, port: port,
                                   volumes: volumes, exclusive: exclusive)
    }

    /// Container keys on a process service or a static site are mistakes, never silently ignored.
    func refuseDockerKeys(_ fields: MappingFields, staticSite: Bool = false) {
        for key in Self.dockerKeys {
            guard let node = fields[key] else { continue }
            let hint = staticSite ? "; a static site has no container: the proxy serves its files itself"
                : key == "port" ? "; a process is given its port in $PORT" : " (add runtime: docker)"
            reader.log.add("\(key) applies only to runtime: docker\(hint)", at: node)
        }
    }

    /// `image:`: exactly one of `dockerfile` (built from the release directory) and `name` (pulled),
    /// and `args` and `context` for a build.
    private func image(_ node: ConfigNode) -> (source: DockerImageSource, context: String?, args: [String: String])? {
        guard let fields = reader.mapping(node, keys: Self.imageKeys,
                                          expected: "a mapping with dockerfile: or name:") else { return nil }
        let args = fields["args"].map { environment($0, what: "build argument") } ?? [:]
        switch (fields["dockerfile"], fields["name"]) {
        case (let dockerfile?, nil):
            let path = dockerfilePath(dockerfile)
            // Nil for the repository's root, whether left out or written `.`.
            var context: String?
            if let contextNode = fields["context"] {
                guard let directory = contextDirectory(contextNode) else { return nil }
                context = directory.isEmpty ? nil : directory
            }
            return path.map { (.dockerfile($0), context, args) }
        case (nil, let name?):
            if let argsNode = fields["args"] {
                reader.log.add("args apply only to an image built from a dockerfile", at: argsNode)
            }
            if let contextNode = fields["context"] {
                reader.log.add("context applies only to an image built from a dockerfile", at: contextNode)
            }
            return imageName(name).map { (.name($0), nil, [:]) }
        case (_?, let name?):
            reader.log.add("expected either dockerfile or name, not both", at: name)
            return nil
        case (nil, nil):
            reader.log.add("expected dockerfile: (built from the release) or name: (an image built elsewhere)",
                           at: fields.node)
            return nil
        }
    }

    /// A path inside the build context (the release directory, or `context` in it).
    private func dockerfilePath(_ node: ConfigNode) -> String? {
        let expected = "a path inside the release directory like services/api/Dockerfile"
        guard let text = reader.nonEmptyString(node, expected: expected) else { return nil }
        let components = text.split(separator: "/")
        guard !text.hasPrefix("/"), !components.contains(".."), text.unicodeScalars.allSatisfy({ $0.value >= 0x20 }) else {
            reader.log.add("expected \(expected), got \(node.found)", at: node)
            return nil
        }
        return text
    }

    /// `image.context`: a directory of the repository, relative to its root (`""` for the root
    /// itself), as Docker Compose's `build.context` and Kamal's `builder.context`. Never absolute
    /// nor through `..`: the build sees the deployed commit's files only. When the file was read
    /// from a repository, the directory must be there, and not lead out of it through a link.
    private func contextDirectory(_ node: ConfigNode) -> String? {
        let expected = "a directory of the repository, relative to its root, like services/api"
        guard let text = reader.nonEmptyString(node, expected: expected) else { return nil }
        let components = text.split(separator: "/").filter { $0 != "." }
        guard !text.hasPrefix("/"), !components.contains(".."), text.unicodeScalars.allSatisfy({ $0.value >= 0x20 }) else {
            reader.log.add("expected \(expected), got \(node.found)", at: node)
            return nil
        }
        let directory = components.joined(separator: "/")
        guard let repository else { return directory }
        switch RepositoryDirectory.check(directory, in: repository) {
        case .success:
            return directory
        case .failure(.missing):
            reader.log.add("no directory \(node.found) in the repository \(repository)", at: node)
        case .failure(.notADirectory):
            reader.log.add("\(node.found) is a file, not a directory, in the repository \(repository)", at: node)
        case .failure(.outside(let target)):
            reader.log.add("\(node.found) leads out of the repository \(repository) (to \(target)) through a symbolic link",
                           at: node)
        }
        return nil
    }

    private func imageName(_ node: ConfigNode) -> String? {
        let expected = "an image name like registry.example/api or registry.example/api:1.4"
        guard let text = reader.string(node, expected: expected) else { return nil }
        guard ImageReference(parsing: text) != nil else {
            reader.log.add("expected \(expected) (lowercase, no scheme), got \(node.found)", at: node)
            return nil
        }
        return text
    }

    /// `volumes:`: a list of `name:/path` or `/host/path:/path`, `:ro` or `:rw`; one mount per target.
    private func volumes(_ node: ConfigNode) -> [DockerVolume] {
        guard let items = reader.list(node, expected: "a list like [\"api-data:/var/lib/api\"]") else { return [] }
        var volumes: [DockerVolume] = []
        var targets: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let expected = "\"name:/path\" or \"/host/path:/path\", optionally ending :ro or :rw"
            guard let text = reader.string(item, expected: expected) else { continue }
            switch VolumeRules.parse(text) {
            case .success(let volume):
                if let first = targets[volume.target] {
                    reader.log.add("\(ConfigNode.quoted(volume.target)) is already mounted by volumes[\(first)]", at: item)
                    continue
                }
                targets[volume.target] = index
                volumes.append(volume)
            case .failure(.shape):
                reader.log.add("expected \(expected), got \(item.found)", at: item)
            case .failure(.relativeHostPath):
                reader.log.add("a host path must be absolute (like /srv/api/data), got \(item.found)", at: item)
            case .failure(.badVolumeName):
                reader.log.add("invalid volume name in \(item.found): use letters, digits, \"_\", \".\" and \"-\", "
                               + "at least two characters, starting with a letter or digit", at: item)
            case .failure(.relativeTarget):
                reader.log.add("the path in the container must be absolute and not /, got \(item.found)", at: item)
            case .failure(.badMode(let mode)):
                reader.log.add("expected ro or rw after the container path, got \(ConfigNode.quoted(mode))", at: item)
            }
        }
        return volumes
    }
}
