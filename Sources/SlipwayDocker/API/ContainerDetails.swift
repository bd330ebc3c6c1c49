/// What `GET /containers/{id}/json` says, the fields Slipway reads.
struct ContainerDetails: Decodable {
    struct State: Decodable {
        let status: String
        let running: Bool
        let pid: Int32
        let exitCode: Int32
        let oomKilled: Bool?

        enum CodingKeys: String, CodingKey {
            case status = "Status"
            case running = "Running"
            case pid = "Pid"
            case exitCode = "ExitCode"
            case oomKilled = "OOMKilled"
        }
    }

    struct Config: Decodable {
        let labels: [String: String]?

        enum CodingKeys: String, CodingKey {
            case labels = "Labels"
        }
    }

    struct NetworkSettings: Decodable {
        struct Binding: Decodable {
            let hostIP: String?
            let hostPort: String?

            enum CodingKeys: String, CodingKey {
                case hostIP = "HostIp"
                case hostPort = "HostPort"
            }
        }

        /// `"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": "32768"}]`; null for a port not published.
        let ports: [String: [Binding]?]?

        enum CodingKeys: String, CodingKey {
            case ports = "Ports"
        }
    }

    let id: String
    let name: String
    let image: String
    let state: State
    let config: Config
    let networkSettings: NetworkSettings

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case name = "Name"
        case image = "Image"
        case state = "State"
        case config = "Config"
        case networkSettings = "NetworkSettings"
    }

    var labels: [String: String] { config.labels ?? [:] }

    /// The loopback port the engine published `containerPort` on.
    func hostPort(for containerPort: Int) -> Int? {
        guard let bindings = networkSettings.ports?["\(containerPort)/tcp"] ?? nil else { return nil }
        return bindings.lazy.filter { $0.hostIP == "127.0.0.1" }.compactMap { $0.hostPort.flatMap(Int.init) }.first
    }
}

/// One entry of `GET /containers/json`.
struct ContainerSummary: Decodable {
    struct Port: Decodable {
        let ip: String?
        let privatePort: Int
        let publicPort: Int?
        let type: String

        enum CodingKeys: String, CodingKey {
            case ip = "IP"
            case privatePort = "PrivatePort"
            case publicPort = "PublicPort"
            case type = "Type"
        }
    }

    let id: String
    let names: [String]
    let image: String
    let imageID: String
    /// `running`, `exited`, `created`, ...
    let state: String
    let labels: [String: String]?
    let ports: [Port]?
    /// Seconds since the epoch.
    let created: Int64

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case created = "Created"
        case names = "Names"
        case image = "Image"
        case imageID = "ImageID"
        case state = "State"
        case labels = "Labels"
        case ports = "Ports"
    }
}
