import SlipwayModel

/// The names Slipway gives a release's image: `slipway/<service>:<version>`, what a person looks
/// for, and `slipway/<service>:<release id>`, unique to the release, the reference that keeps the
/// image while the release is retained (two releases of one version never share it).
enum ImageNames {
    static func repository(service: String) -> String {
        "slipway/\(service)"
    }

    static func releaseReference(_ release: Release) -> String {
        "\(repository(service: release.service)):\(tag(release.id))"
    }

    static func versionReference(_ release: Release) -> String {
        "\(repository(service: release.service)):\(tag(release.version))"
    }

    /// `text` as a Docker tag, `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`: other characters (the `/` of
    /// `release/1.4`, the `+` of `1.4.0+build`) become `-`.
    static func tag(_ text: String) -> String {
        var tag = String(text.unicodeScalars.map { scalar -> Character in
            let allowed = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "_" || scalar == "." || scalar == "-"
            return allowed ? Character(scalar) : "-"
        }.prefix(128))
        if tag.first == "." || tag.first == "-" { tag = "_" + tag.dropFirst() }
        return tag.isEmpty ? "_" : tag
    }

    /// What a pulled image is fetched as: the name as written when it carries a tag or a digest,
    /// else the name tagged with the release's version (an image built elsewhere for this commit).
    static func pullReference(name: String, release: Release) -> ImageReference? {
        guard var reference = ImageReference(parsing: name) else { return nil }
        if reference.tag == nil && reference.digest == nil { reference.tag = tag(release.version) }
        return reference
    }
}
