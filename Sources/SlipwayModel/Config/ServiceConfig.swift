/// One service of `slipway.yml`.
package struct ServiceConfig: Sendable, Equatable {
    package var name: String
    /// The environment this configuration is for (`default` until `environments:` exist).
    package var environment = ServiceKey.defaultEnvironment
    /// Started in the release directory through `/bin/sh -c`; `PORT` is set in its environment.
    /// With `runtime: docker`, the container's command instead of the image's CMD; empty keeps the CMD.
    package var run: String
    /// Run once in the release directory before the first start.
    package var build: String?
    package var env: [String: String]
    package var route: RouteConfig
    package var health: HealthCheckConfig
    /// How long in-flight requests on the old release may take to finish after a switch.
    package var drainTimeout: Duration
    /// Time between SIGTERM and SIGKILL when a release is stopped.
    package var stopTimeout: Duration
    /// How long after a switch a live release crossing `unhealthy_threshold` is rolled back automatically.
    package var watch: Duration
    /// Timeout of the `build` command.
    package var buildTimeout: Duration
    /// Releases kept for rollback (their directories); older ones are pruned.
    package var retain: Int
    /// What runs a release: a local process (the default) or a container.
    package var runtime: ServiceRuntime
    /// The image, container port and volumes; set exactly when `runtime` is `.docker`.
    package var docker: DockerServiceConfig?
    /// Trigger paths (gitignore-style globs, relative to the repository root): a change to a file they
    /// match makes `deploy --changed` deploy this service.
    package var paths: [String] = []
    /// Services deployed before this one when both are deployed in one run.
    package var dependsOn: [String] = []
    /// The database (a `databases:` entry) whose migrations run, after a verified backup, before the switch.
    package var database: String?
    /// Pre-deploy checks, in order.
    package var checks: [CheckConfig] = []
    /// Post-switch smoke tests, in order.
    package var smoke: [SmokeTestConfig] = []
    /// Replicas, balancing and the strategy a deploy follows (`replicas:`, `balance:`, `sticky:`,
    /// `strategy:`, `recreate:`, `rolling:`, `blue_green:`, `canary:`).
    package var delivery = DeliveryConfig()
    /// Set exactly when `runtime` is `.staticSite`: the folder the proxy serves and how.
    package var staticSite: StaticSiteConfig?
    /// After the switch of a static site: uploads and purges, in order (`publish:`).
    package var publish: [PublishStep] = []

    package init(name: String, run: String, build: String? = nil, env: [String: String] = [:],
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

    /// The service in its environment: what every piece of its state is keyed by.
    package var key: ServiceKey { ServiceKey(environment: environment, service: name) }
}

/// Which requests the proxy sends to a service: an optional Host match and a path prefix.
package struct RouteConfig: Sendable, Equatable, Hashable {
    /// Matched case-insensitively against the Host header without its port; nil matches any host.
    package var host: String?
    /// A path prefix that starts with `/`; the longest matching prefix wins.
    package var path: String

    package init(host: String? = nil, path: String = "/") {
        self.host = host
        self.path = path
    }
}

package struct HealthCheckConfig: Sendable, Equatable {
    package var path: String
    package var interval: Duration
    package var timeout: Duration
    /// Consecutive successes before a new release gets traffic.
    package var healthyThreshold: Int
    /// Consecutive failures that mark a live release unhealthy.
    package var unhealthyThreshold: Int
    /// A new release not healthy by then fails the deployment.
    package var startTimeout: Duration
    package var expect: HealthExpectation

    package init(path: String = "/health", interval: Duration = .seconds(1), timeout: Duration = .seconds(2),
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

package struct HealthExpectation: Sendable, Equatable {
    package var status: Int
    /// Top-level fields the JSON body must hold, compared as their JSON text (`healthy`, `true`, `3`).
    package var json: [String: JSONScalar]

    package init(status: Int = 200, json: [String: JSONScalar] = [:]) {
        self.status = status
        self.json = json
    }
}

/// A scalar a health check expects in a JSON body.
package enum JSONScalar: Sendable, Equatable, Hashable, CustomStringConvertible {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    package var description: String {
        switch self {
        case .string(let s): "\"\(s)\""
        case .number(let n): n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .bool(let b): String(b)
        case .null: "null"
        }
    }
}
