/// What every piece of per-service state is keyed by: a service in an environment. Until
/// environments are configured every service lives in `default`; records of the default
/// environment spell no environment at all, so their JSON is what it always was.
package struct ServiceKey: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The environment of a `slipway.yml` without `environments:`.
    package static let defaultEnvironment = "default"

    package var environment: String
    package var service: String

    package init(environment: String = ServiceKey.defaultEnvironment, service: String) {
        self.environment = environment
        self.service = service
    }

    /// A record's stored environment: nil stands for the default one.
    package init(environment: String?, service: String) {
        self.init(environment: environment ?? Self.defaultEnvironment, service: service)
    }

    /// The environment as a record stores it: nil for the default one.
    package var storedEnvironment: String? {
        environment == Self.defaultEnvironment ? nil : environment
    }

    /// `web`, or `web@staging` outside the default environment: how messages name it.
    package var description: String {
        environment == Self.defaultEnvironment ? service : "\(service)@\(environment)"
    }

    package static func < (lhs: ServiceKey, rhs: ServiceKey) -> Bool {
        (lhs.environment, lhs.service) < (rhs.environment, rhs.service)
    }
}

/// A value that belongs to one service in one environment: a release, an instance, a deployment,
/// an active release. It stores the service's name and, outside the default environment, the
/// environment's; `key` is the two as one value.
package protocol KeyedByService {
    var service: String { get set }
    /// Nil in the default environment, so such values encode as they did before environments.
    var environment: String? { get set }
}

extension KeyedByService {
    /// The service in its environment.
    package var key: ServiceKey {
        get { ServiceKey(environment: environment, service: service) }
        set {
            service = newValue.service
            environment = newValue.storedEnvironment
        }
    }
}
