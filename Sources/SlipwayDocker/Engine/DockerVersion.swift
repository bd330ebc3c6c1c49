/// What `GET /version` says about the engine, and the API version Slipway speaks to it.
package struct DockerVersion: Sendable, Equatable {
    /// The engine's release, `20.10.24+dfsg1`.
    package var engine: String
    /// The newest API version the engine speaks.
    package var engineAPI: String
    /// The version every request uses: the lower of the engine's and the newest this client knows.
    package var negotiatedAPI: String
}

/// The body of `GET /version`.
struct VersionResponse: Decodable {
    let version: String
    let apiVersion: String
    let minAPIVersion: String?

    enum CodingKeys: String, CodingKey {
        case version = "Version"
        case apiVersion = "ApiVersion"
        case minAPIVersion = "MinAPIVersion"
    }
}
