/// One service of `slipway.yml`.
public struct ServiceConfig: Sendable, Equatable {
    public var name: String
    /// Started in the release directory through `/bin/sh -c`; `PORT` is set in its environment.
    /// With `runtime: docker`, the container's command instead of the image's CMD; empty keeps the CMD.
    public var run: String
    /// Run once in the release directory before the first start.
    public var build: String?
    public var env: [String: String]
    public var route: RouteConfig
    public var health: HealthCheckConfig
    /// How long in-flight requests on the old release may take to finish after a switch.
    public var drainTimeout: Duration
    /// Time between SIGTERM and SIGKILL when a release is stopped.
    public var stopTimeout: Duration
    /// How long after a switch a live release crossing `unhealthy_threshold` is rolled back automatically.
    public var watch: Duration
    /// Timeout of the `build` command.
    public var buildTimeout: Duration
    /// Releases kept for rollback (their directories); older ones are pruned.
    public var retain: Int
    /// What runs a release: a local process (the default) or a container.
    public var runtime: ServiceRuntime
    /// The image, container port and volumes; set exactly when `runtime` is `.docker`.
    public var docker: DockerServiceConfig?
    /// Trigger paths (gitignore-style globs, relative to the repository root): a change to a file they
    /// match makes `deploy --changed` deploy this service.
    public var paths: [String] = []
    /// Services deployed before this one when both are deployed in one run.
    public var dependsOn: [String] = []
    /// The database (a `databases:` entry) whose migrations run, after a verified backup, before the switch.
    public var database: String?
    /// Pre-deploy checks, in order.
    public var checks: [CheckConfig] = []
    /// Post-switch smoke tests, in order.
    public var smoke: [SmokeTestConfig] = []

    public init(name: String, run: String, build: String? = nil, env: [String: String] = [:],
                route: RouteConfig = RouteConfig(), health: HealthCheckConfig = HealthCheckConfig(),
                drainTimeout: Duration = .seconds(30), stopTimeout: Duration = .seconds(10),
                watch: Duration = .seconds(60), buildTimeout: Duration = .seconds(600), retain: Int = 5,
                runtime: ServiceRuntime = .process, docker: DockerServiceConfig? = nil) {
        self.name = name
        self.run = run
        self.build = build
        self.env = env
        self.route = route
        self.health = health
        self.drainTimeout = drainTimeout
        self.stopTimeout = stopTimeout
        self.watch = watch
        self.buildTimeout = buildTimeout
        self.retain = retain
        self.runtime = runtime
        self.docker = docker
    }
}

/// Which requests the proxy sends to a service: an optional Host match and a path prefix.
public struct RouteConfig: Sendable, Equatable, Hashable {
    /// Matched case-insensitively against the Host header without its port; nil matches any host.
    public var host: String?
    /// A path prefix that starts with `/`; the longest matching prefix wins.
    public var path: String

    public init(host: String? = nil, path: String = "/") {
        self.host = host
        self.path = path
    }
}

public struct HealthCheckConfig: Sendable, Equatable {
    public var path: String
    public var interval: Duration
    public var timeout: Duration
    /// Consecutive successes before a new release gets traffic.
    public var healthyThreshold: Int
    /// Consecutive failures that mark a live release unhealthy.
    public var unhealthyThreshold: Int
    /// A new release not healthy by then fails the deployment.
    public var startTimeout: Duration
    public var expect: HealthExpectation

    public init(path: String = "/health", interval: Duration = .seconds(1), timeout: Duration = .seconds(2),
                healthyThreshold: Int = 1, unhealthyThreshold: Int = 3, startTimeout: Duration = .seconds(30),
                expect: HealthExpectation = HealthExpectation()) {
        self.path = path
        self.interval = interval
        self.timeout = timeout
        self.healthyThreshold = healthyThreshold
        self.unhealthyThreshold = unhealthyThreshold
        self.startTimeout = startTimeout
        self.expect = expect
    }
}

public struct HealthExpectation: Sendable, Equatable {
    public var status: Int
    /// Top-level fields the JSON body must hold, compared as their JSON text (`healthy`, `true`, `3`).
    public var json: [String: JSONScalar]

    public init(status: Int = 200, json: [String: JSONScalar] = [:]) {
        self.status = status
        self.json = json
    }
}

/// A scalar a health check expects in a JSON body.
public enum JSONScalar: Sendable, Equatable, Hashable, CustomStringConvertible {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    public var description: String {
        switch self {
        case .string(let s): "\"\(s)\""
        case .number(let n): n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .bool(let b): String(b)
        case .null: "null"
        }
    }
}
