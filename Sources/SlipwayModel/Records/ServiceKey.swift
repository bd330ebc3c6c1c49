/// What every piece of per-service state is keyed by: a service in an environment. Until
/// environments are configured every service lives in `default`; records of the default
/// environment spell no environment at all, so their JSON is what it always was.
public struct ServiceKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The environment of a `slipway.yml` without `environments:`.
    public static let defaultEnvironment = "default"

    public var environment: String
    public var service: String

    public init(environment: String = ServiceKey.defaultEnvironment, service: String) {
        self.environment = environment
        self.service = service
    }

    /// A record's stored environment: nil stands for the default one.
    public init(environment: String?, service: String) {
        self.init(environment: environment ?? Self.defaultEnvironment, service: service)
    }

    /// The environment as a record stores it: nil for the default one.
    public var storedEnvironment: String? {
        environment == Self.defaultEnvironment ? nil : environment
    }

    /// `web`, or `web@staging` outside the default environment: how messages name it.
    public var description: String {
        environment == Self.defaultEnvironment ? service : "\(service)@\(environment)"
    }

    public static func < (lhs: ServiceKey, rhs: ServiceKey) -> Bool {
        (lhs.environment, lhs.service) < (rhs.environment, rhs.service)
    }
}
