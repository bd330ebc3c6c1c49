import Foundation

/// The daemon's HTTP API, spoken over `.slipway/slipway.sock`. Field names are stable (docs/API.md).
package enum API {
    package static let socketName = "slipway.sock"
    package static let version = "v1"
}

package struct DeployRequest: Sendable, Codable, Equatable {
    package var service: String
    /// The environment to deploy into; nil: the only one (refused when there are several).
    package var environment: String?
    package var ref: String
    /// Who deploys: set by the daemon from the caller it established (`Caller`), never read from
    /// the body. An `actor` field that older clients send is accepted and ignored (docs/API.md).
    package var actor: String
    /// How it was started (`changed`, `push`); recorded on the deployment.
    package var trigger: Trigger?
    /// `--hotfix --reason`: passes a freeze, with the environment's hotfix approvals instead of its own.
    package var hotfix: Bool?
    package var reason: String?

    package init(service: String, environment: String? = nil, ref: String = "HEAD", actor: String = "", trigger: Trigger? = nil) {
        self.service = service
        self.environment = environment
        self.ref = ref
        self.actor = actor
        self.trigger = trigger
    }

    private enum CodingKeys: String, CodingKey {
        case service, environment, ref, trigger, hotfix, reason
    }

    /// As `init`: `ref` left out (or null) is `HEAD` (docs/API.md).
    package init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: CodingKeys.self)
        self.init(service: try fields.decode(String.self, forKey: .service),
                  environment: try fields.decodeIfPresent(String.self, forKey: .environment),
                  ref: try fields.decodeIfPresent(String.self, forKey: .ref) ?? "HEAD",
                  trigger: try fields.decodeIfPresent(Trigger.self, forKey: .trigger))
        hotfix = try fields.decodeIfPresent(Bool.self, forKey: .hotfix)
        reason = try fields.decodeIfPresent(String.self, forKey: .reason)
    }
}

package struct RollbackRequest: Sendable, Codable, Equatable {
    package var service: String
    /// The environment whose release rolls back; nil: the only one (refused when there are several).
    package var environment: String?
    /// A release id or a version label; nil means the release the current one replaced.
    package var to: String?
    /// Set by the daemon, as `DeployRequest.actor`; never read from the body.
    package var actor: String
    /// Past the rollback window: an admin's override, with why (`--override --reason`).
    package var override: Bool?
    package var reason: String?

    package init(service: String, environment: String? = nil, to: String? = nil, actor: String = "", override: Bool? = nil,
                reason: String? = nil) {
        self.service = service
        self.environment = environment
        self.override = override
        self.reason = reason
        self.to = to
        self.actor = actor
    }

    private enum CodingKeys: String, CodingKey {
        case service, environment, to, override, reason
    }

    package init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: CodingKeys.self)
        self.init(service: try fields.decode(String.self, forKey: .service),
                  environment: try fields.decodeIfPresent(String.self, forKey: .environment),
                  to: try fields.decodeIfPresent(String.self, forKey: .to),
                  override: try fields.decodeIfPresent(Bool.self, forKey: .override),
                  reason: try fields.decodeIfPresent(String.self, forKey: .reason))
    }
}

/// One line of the newline-delimited JSON stream a deploy or rollback answers with.
package struct DeploymentEvent: Sendable, Codable, Equatable {
    package enum Kind: String, Sendable, Codable {
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

    package var event: Kind
    package var deploymentID: String?
    package var stage: StageRecord?
    package var line: String?
    package var deployment: Deployment?
    package var error: APIError?
    /// In a run: the service the event is about.
    package var service: String?
    package var plan: RunPlan?
    package var summary: RunSummary?

    package init(event: Kind, deploymentID: String? = nil, stage: StageRecord? = nil, line: String? = nil,
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
package struct APIError: Sendable, Codable, Equatable, Error {
    package var code: SlipwayError.Code
    package var message: String
    package var exitCode: ExitStatus

    package init(code: SlipwayError.Code, message: String, exitCode: ExitStatus) {
        self.code = code
        self.message = message
        self.exitCode = exitCode
    }

    package init(_ error: SlipwayError) {
        self.init(code: error.code, message: error.description, exitCode: ExitStatus.forError(error.code))
    }
}

package struct StatusResponse: Sendable, Codable, Equatable {
    /// The first environment's proxy address (the only one without `environments:`).
    package var proxy: String
    /// Each environment's proxy address, in the file's order; nil without `environments:`.
    package var environments: [EnvironmentStatus]?
    package var services: [ServiceStatus]
    /// The frozen environments (`slipway freeze`); nil when none is.
    package var freezes: [Freeze]?
    /// Deployments waiting for approvals, a wait timer or the end of a freeze, oldest first; nil when none.
    package var pending: [Deployment]?

    package init(proxy: String, environments: [EnvironmentStatus]? = nil, services: [ServiceStatus], freezes: [Freeze]? = nil) {
        self.proxy = proxy
        self.environments = environments
        self.services = services
        self.freezes = freezes
    }
}

/// One environment in `status`: where its proxy listens.
package struct EnvironmentStatus: Sendable, Codable, Equatable {
    package var name: String
    package var proxy: String

    package init(name: String, proxy: String) {
        self.name = name
        self.proxy = proxy
    }
}

package struct ServiceStatus: Sendable, Codable, Equatable {
    package enum Health: String, Sendable, Codable {
        case healthy
        case unhealthy
        /// Not yet probed since it started.
        case unknown
        /// No active release.
        case down
    }

    package var name: String
    /// Nil in the default environment (a file without `environments:`).
    package var environment: String?
    package var route: String
    package var activeRelease: Release?
    package var health: Health
    package var upstreams: [String]
    package var pid: Int32?
    package var restarts: Int
    /// The id of a deployment of this service that is running now.
    package var deploying: String?
    package var retainedReleases: [String]
    /// The replaced release still running unrouted (a rollback to it is a switch), and until when.
    package var warmRelease: String?
    package var warmPid: Int32?
    package var warmUntil: Date?
    /// Set while the proxy holds the service's requests (`proxy pause`) or answers them with a
    /// maintenance page (`proxy maintenance`); absent otherwise.
    package var traffic: TrafficControl?
    /// A canary or blue-green rollout running now (`slipway rollout SERVICE`); absent otherwise.
    package var rollout: RolloutView?
    /// Each instance of the active release when it runs more than one (`replicas:`); absent otherwise.
    package var replicas: [ReplicaStatus]?

    package init(name: String, environment: String? = nil, route: String, activeRelease: Release?, health: Health, upstreams: [String],
                pid: Int32?, restarts: Int, deploying: String?, retainedReleases: [String],
                warmRelease: String? = nil, warmPid: Int32? = nil, warmUntil: Date? = nil, traffic: TrafficControl? = nil) {
        self.traffic = traffic
        self.environment = environment
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

/// One instance of a release that runs several (`replicas:`), as `status` shows it.
package struct ReplicaStatus: Sendable, Codable, Equatable {
    /// 1-based, stable across restarts of the instance in it.
    package var slot: Int
    package var pid: Int32
    package var port: Int
    package var health: ServiceStatus.Health
    /// Whether the proxy sends it requests (an unhealthy or crashed replica is out of the pool).
    package var inPool: Bool
    package var containerID: String?

    package init(slot: Int, pid: Int32, port: Int, health: ServiceStatus.Health, inPool: Bool, containerID: String? = nil) {
        self.slot = slot
        self.pid = pid
        self.port = port
        self.health = health
        self.inPool = inPool
        self.containerID = containerID
    }
}

/// JSON coding shared by the daemon, the store and the CLI: ISO 8601 dates with milliseconds (stage
/// timings are often well under a second), sorted keys. Dates without a fraction are read too.
package enum APICoding {
    package static func encoder(pretty: Bool = false) -> JSONEncoder {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(.iso8601.year().month().day().dateSeparator(.dash)
                .time(includingFractionalSeconds: true).timeSeparator(.colon).timeZone(separator: .omitted)))
        }
        e.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    package static func decoder() -> JSONDecoder {
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

/// The body of `POST /v1/promotions`: the release that succeeded in one environment, deployed into
/// another as the same artifact (no export, no build).
package struct PromoteRequest: Sendable, Codable, Equatable {
    package var service: String
    /// The environment promoted into.
    package var to: String
    /// The environment promoted from; nil: the target's `promote_from`.
    package var from: String?
    /// A release id or version label in the source environment; nil: the one it serves now.
    package var release: String?
    /// `--hotfix --reason`: passes a freeze on the environment's hotfix path.
    package var hotfix: Bool?
    package var reason: String?
    /// Set by the daemon from the caller, never read from the body.
    package var actor: String = ""

    package init(service: String, to: String, from: String? = nil, release: String? = nil, hotfix: Bool? = nil,
                reason: String? = nil, actor: String = "") {
        self.service = service
        self.to = to
        self.from = from
        self.release = release
        self.hotfix = hotfix
        self.reason = reason
        self.actor = actor
    }

    private enum CodingKeys: String, CodingKey {
        case service, to, from, release, hotfix, reason
    }
}
