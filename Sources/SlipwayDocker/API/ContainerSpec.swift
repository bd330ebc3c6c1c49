/// The body of `POST /containers/create`: only the fields Slipway sets.
struct ContainerSpec: Encodable {
    struct HostConfig: Encodable {
        struct PortBinding: Encodable {
            let hostIP: String
            /// Empty: the engine picks a free port, and retries another if that one is taken.
            let hostPort: String

            enum CodingKeys: String, CodingKey {
                case hostIP = "HostIp"
                case hostPort = "HostPort"
            }
        }

        struct RestartPolicy: Encodable {
            let name: String

            enum CodingKeys: String, CodingKey {
                case name = "Name"
            }
        }

        let portBindings: [String: [PortBinding]]
        let binds: [String]
        let restartPolicy: RestartPolicy

        enum CodingKeys: String, CodingKey {
            case portBindings = "PortBindings"
            case binds = "Binds"
            case restartPolicy = "RestartPolicy"
        }
    }

    struct Empty: Encodable {}

    let image: String
    /// Nil keeps the image's CMD.
    let cmd: [String]?
    let env: [String]
    let labels: [String: String]
    let exposedPorts: [String: Empty]
    let hostConfig: HostConfig

    enum CodingKeys: String, CodingKey {
        case image = "Image"
        case cmd = "Cmd"
        case env = "Env"
        case labels = "Labels"
        case exposedPorts = "ExposedPorts"
        case hostConfig = "HostConfig"
    }
}

/// The answer of `POST /containers/create`.
struct CreatedContainer: Decodable {
    let id: String
    let warnings: [String]?

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case warnings = "Warnings"
    }
}
