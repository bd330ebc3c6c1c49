/// A release's version label: the tag when the commit is exactly on one, else the short commit.
enum VersionLabel {
    static let shortCommitLength = 12

    /// `tags` come highest version first. The ref the user named wins when it is one of them, so
    /// `--ref v2` on a commit tagged `v2` and `latest` reads `v2`.
    static func choose(ref: String, commit: String, tags: [String]) -> String {
        let named = ref.hasPrefix("refs/tags/") ? String(ref.dropFirst("refs/tags/".count))
            : ref.hasPrefix("tags/") ? String(ref.dropFirst("tags/".count))
            : ref
        if tags.contains(named) { return named }
        return tags.first ?? String(commit.prefix(shortCommitLength))
    }
}
