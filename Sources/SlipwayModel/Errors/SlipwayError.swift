/// An error with a stable code, a human message and the context it happened in.
///
/// Callers match on `code`, never on `message` (kamal-proxy's `errors.go` matches strings; we don't).
public struct SlipwayError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let configInvalid = Code(rawValue: "config_invalid")
        public static let configNotFound = Code(rawValue: "config_not_found")
        public static let unknownService = Code(rawValue: "unknown_service")
        public static let unknownRelease = Code(rawValue: "unknown_release")
        public static let unknownDeployment = Code(rawValue: "unknown_deployment")
        public static let refNotFound = Code(rawValue: "ref_not_found")
        public static let buildFailed = Code(rawValue: "build_failed")
        public static let startFailed = Code(rawValue: "start_failed")
        public static let unhealthy = Code(rawValue: "unhealthy")
        public static let deploymentInProgress = Code(rawValue: "deployment_in_progress")
        public static let nothingToRollBack = Code(rawValue: "nothing_to_roll_back")
        public static let rollbackFailed = Code(rawValue: "rollback_failed")
        public static let daemonUnreachable = Code(rawValue: "daemon_unreachable")
        /// No Docker engine answers at the socket (`runtime: docker`).
        public static let dockerUnavailable = Code(rawValue: "docker_unavailable")
        public static let storeFailed = Code(rawValue: "store_failed")
        public static let badRequest = Code(rawValue: "bad_request")
        public static let interrupted = Code(rawValue: "interrupted")
        public static let internalError = Code(rawValue: "internal")
    }

    public var code: Code
    public var message: String
    public var context: ErrorContext

    public init(_ code: Code, _ message: String, context: ErrorContext = ErrorContext()) {
        self.code = code
        self.message = message
        self.context = context
    }

    public var description: String {
        if let location = context.location {
            return "\(location): \(message)"
        }
        return message
    }
}

/// Where an error happened: a config position, a service, a deployment.
public struct ErrorContext: Sendable, Equatable, Codable {
    public var file: String?
    public var line: Int?
    public var column: Int?
    public var keyPath: String?
    public var service: String?
    public var deployment: String?

    public init(file: String? = nil, line: Int? = nil, column: Int? = nil, keyPath: String? = nil,
                service: String? = nil, deployment: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.service = service
        self.deployment = deployment
    }

    /// `slipway.yml:12:7: services.web.health.timeout` — the prefix of a config error.
    public var location: String? {
        guard let file else { return keyPath }
        var text = file
        if let line { text += ":\(line)" }
        if let column { text += ":\(column)" }
        if let keyPath { text += ": \(keyPath)" }
        return text
    }
}
