import SlipwayModel

/// Where the engine's socket is: `DOCKER_HOST=unix:///path` as the Docker CLI reads it, else
/// `/var/run/docker.sock`.
package enum DockerHost {
    package static let defaultSocketPath = "/var/run/docker.sock"

    /// The socket path `environment` names. A `tcp://` or `ssh://` host is refused rather than
    /// ignored: Slipway talks to the engine over its unix socket only.
    package static func socketPath(environment: [String: String]) throws -> String {
        guard let host = environment["DOCKER_HOST"], !host.isEmpty else { return defaultSocketPath }
        guard host.hasPrefix("unix://") else {
            throw SlipwayError(.dockerUnavailable,
                               "DOCKER_HOST=\(host) is not supported: Slipway reaches the Docker engine over its unix "
                               + "socket; set DOCKER_HOST=unix:///path/to/docker.sock or unset it for \(defaultSocketPath)")
        }
        let path = String(host.dropFirst("unix://".count))
        guard path.hasPrefix("/") else {
            throw SlipwayError(.dockerUnavailable, "DOCKER_HOST=\(host) does not name an absolute socket path "
                               + "(expected unix:///path/to/docker.sock)")
        }
        return path
    }
}
