/// What the engine says of a container, telling "there is none" apart from "it cannot say":
/// only the first means a watched container is gone.
enum ContainerLookup {
    case found(ContainerDetails)
    case absent
    /// The engine did not answer.
    case unknown

    /// The exit code when the engine knows the container is not running (nil code: it is gone
    /// altogether); nil when it runs or the engine cannot say.
    var ended: Int32?? {
        switch self {
        case .found(let details): details.state.running ? nil : .some(details.state.exitCode)
        case .absent: .some(nil)
        case .unknown: nil
        }
    }
}

extension DockerEngine {
    func lookUpContainer(_ id: String) async -> ContainerLookup {
        do {
            return try await inspectContainer(id).map(ContainerLookup.found) ?? .absent
        } catch {
            return .unknown
        }
    }
}
