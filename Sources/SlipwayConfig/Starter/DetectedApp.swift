/// What `slipway init` found in a repository: how its app is built and run, where it answers a
/// health check and why that path was chosen, and which environment variables look secret.
package struct DetectedApp: Sendable, Equatable {
    package enum Kind: String, Sendable, Equatable {
        case docker, node, python, go, ruby, rust
        /// A folder of built files (`dist/`, `build/`) served by the proxy.
        case staticSite = "static"
        /// Nothing recognised: `--run` says what to start.
        case command
    }

    package var kind: Kind
    /// What the guess rests on, for the file's comment (`package.json has a start script`).
    package var evidence: String
    package var run: String?
    package var build: String?
    /// `runtime: docker`: the port the container listens on (`EXPOSE`, else 8080).
    package var containerPort: Int?
    /// A static site's folder.
    package var siteRoot: String?
    package var healthPath: String
    /// Why that path: `found "/healthz" in app.py`, or that none was found.
    package var healthReason: String
    /// Variables the app reads whose names look secret (`DATABASE_URL`, `STRIPE_KEY`), sorted.
    package var secretNames: [String]

    package init(kind: Kind, evidence: String, run: String? = nil, build: String? = nil, containerPort: Int? = nil,
                 siteRoot: String? = nil, healthPath: String = "/", healthReason: String = "", secretNames: [String] = []) {
        self.kind = kind
        self.evidence = evidence
        self.run = run
        self.build = build
        self.containerPort = containerPort
        self.siteRoot = siteRoot
        self.healthPath = healthPath
        self.healthReason = healthReason
        self.secretNames = secretNames
    }
}
