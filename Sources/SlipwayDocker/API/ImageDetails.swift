/// What `GET /images/{name}/json` says, the fields Slipway reads.
struct ImageDetails: Decodable {
    /// The content-addressed id, `sha256:…`: the same id is the same bits.
    let id: String
    /// `registry.example/api@sha256:…` for an image pulled from a registry; empty for a local build.
    let repoDigests: [String]?
    let repoTags: [String]?

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case repoDigests = "RepoDigests"
        case repoTags = "RepoTags"
    }
}
