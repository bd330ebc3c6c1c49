import Foundation

/// The daemon's HTTP API, spoken over `.slipway/slipway.sock`. Field names are stable (docs/API.md).
public enum API {
    public static let socketName = "slipway.sock"
    public static let version = "v1"
}

public struct DeployRequest: Sendable, Codable, Equatable {
    public var service: String
    public var ref: String
    public var actor: String
    /// How it was started (`changed`, `push`); recorded on the deployment.
    public var trigger: Trigger?

    public init(service: String, ref: String = "HEAD", actor: String, trigger: Trigger? = nil) {
        self.service = service
        self.ref = ref
        self.actor = actor
        self.trigger = trigger
    }
}

public struct RollbackRequest: Sendable, Codable, Equatable {
    public var service: String
    /// A release id or a version label; nil means the release the current one replaced.
    public var to: String?
    public var actor: String

    public init(service: String, to: String? = nil, actor: String) {
        self.service = service
        self.to = to
        self.actor = actor
    }
}

/// One line of the newline-delimited JSON stream a deploy or rollback answers with.
public struct DeploymentEvent: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// The deployment has an id.
        case accepted
        /// A stage started or ended.
        case stage
        /// A line of output (build, release log excerpts).
        case log
        /// The last event: `deployment` holds the final record.
        case finished
        /// Refused before a deployment started; `error` says why.
        case refused
        /// A run's plan, before its deployments start.
        case plan
        /// The last event of a run: `summary` says how each service ended.
        case summary
    }

    public var event: Kind
    public var deploymentID: String?
    public var stage: StageRecord?
    public var line: String?
    public var deployment: Deployment?
    public var error: APIError?
    /// In a run: the service the event is about.
    public var service: String?
    public var plan: RunPlan?
    public var summary: RunSummary?

    public init(event: Kind, deploymentID: String? = nil, stage: StageRecord? = nil, line: String? = nil,
                deployment: Deployment? = nil, error: APIError? = nil, service: String? = nil,
                plan: RunPlan? = nil, summary: RunSummary? = nil) {
        self.event = event
        self.deploymentID = deploymentID
        self.stage = stage
        self.line = line
        self.deployment = deployment
        self.error = error
        self.service = service
        self.plan = plan
        self.summary = summary
    }
}

/// The body of every non-2xx answer, and of a `refused` event.
public struct APIError: Sendable, Codable, Equatable, Error {
    public var code: SlipwayError.Code
    public var message: String
    public var exitCode: ExitStatus

    public init(code: SlipwayError.Code, message: String, exitCode: ExitStatus) {
        self.code = code
        self.message = message
        self.exitCode = exitCode
    }

    public init(_ error: SlipwayError) {
        self.init(code: error.code, message: error.description, exitCode: ExitStatus.forError(error.code))
    }
}

public struct StatusResponse: Sendable, Codable, Equatable {
    public var proxy: String
    public var services: [ServiceStatus]

    public init(proxy: String, services: [ServiceStatus]) {
        self.proxy = proxy
        self.services = services
    }
}

public struct ServiceStatus: Sendable, Codable, Equatable {
    public enum Health: String, Sendable, Codable {
        case healthy
        case unhealthy
        /// Not yet probed since it started.
        case unknown
        /// No active release.
        case down
    }

    public var name: String
    public var route: String
    public var activeRelease: Release?
    public var health: Health
    public var upstreams: [String]
    public var pid: Int32?
    public var restarts: Int
    /// The id of a deployment of this service that is running now.
    public var deploying: String?
    public var retainedReleases: [String]
    /// The replaced release still running unrouted (a rollback to it is a switch), and until when.
    public var warmRelease: String?
    public var warmPid: Int32?
    public var warmUntil: Date?

    public init(name: String, route: String, activeRelease: Release?, health: Health, upstreams: [String],
                pid: Int32?, restarts: Int, deploying: String?, retainedReleases: [String],
                warmRelease: String? = nil, warmPid: Int32? = nil, warmUntil: Date? = nil) {
        self.warmRelease = warmRelease
        self.warmPid = warmPid
        self.warmUntil = warmUntil
        self.name = name
        self.route = route
        self.activeRelease = activeRelease
        self.health = health
        self.upstreams = upstreams
        self.pid = pid
        self.restarts = restarts
        self.deploying = deploying
        self.retainedReleases = retainedReleases
    }
}

/// JSON coding shared by the daemon, the store and the CLI: ISO 8601 dates with milliseconds (stage
/// timings are often well under a second), sorted keys. Dates without a fraction are read too.
public enum APICoding {
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(.iso8601.year().month().day().dateSeparator(.dash)
                .time(includingFractionalSeconds: true).timeSeparator(.colon).timeZone(separator: .omitted)))
        }
        e.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = try? Date(text, strategy: .iso8601.year().month().day().dateSeparator(.dash)
                .time(includingFractionalSeconds: true).timeSeparator(.colon).timeZone(separator: .omitted)) {
                return date
            }
            if let date = try? Date(text, strategy: .iso8601) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO 8601 date: \(text)")
        }
        return d
    }
}
