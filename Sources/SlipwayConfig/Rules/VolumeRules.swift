import SlipwayModel

/// `volumes:` entries: `name:/path`, `/host/path:/path`, either with `:ro` or `:rw`, as Docker's
/// `HostConfig.Binds` takes them.
enum VolumeRules {
    enum Problem: Error, Equatable {
        /// Not two or three `:`-separated parts.
        case shape
        /// A source that is neither a volume name nor an absolute path (`./data`, `data/x`).
        case relativeHostPath
        case badVolumeName
        case relativeTarget
        case badMode(String)
    }

    static func parse(_ text: String) -> Result<DockerVolume, Problem> {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (2...3).contains(parts.count), !parts[0].isEmpty, !parts[1].isEmpty else { return .failure(.shape) }
        let source = parts[0]
        if !source.hasPrefix("/") {
            if source.hasPrefix(".") || source.contains("/") { return .failure(.relativeHostPath) }
            guard isVolumeName(source) else { return .failure(.badVolumeName) }
        }
        guard parts[1].hasPrefix("/"), parts[1] != "/" else { return .failure(.relativeTarget) }
        var readOnly = false
        if parts.count == 3 {
            switch parts[2] {
            case "ro": readOnly = true
            case "rw": readOnly = false
            default: return .failure(.badMode(parts[2]))
            }
        }
        return .success(DockerVolume(source: source, target: parts[1], readOnly: readOnly))
    }

    /// Docker's rule for volume names: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`.
    static func isVolumeName(_ name: String) -> Bool {
        let scalars = Array(name.unicodeScalars)
        guard scalars.count >= 2, isAlphanumeric(scalars[0]) else { return false }
        return scalars.allSatisfy { isAlphanumeric($0) || $0 == "_" || $0 == "." || $0 == "-" }
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
