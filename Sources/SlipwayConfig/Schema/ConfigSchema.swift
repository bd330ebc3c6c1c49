import SlipwayModel

/// Every key `slipway.yml` accepts, one `MappingSchema` per mapping. The decoders take their key
/// lists from here (`ServiceDecoder.keys` is `ConfigSchema.service.keyNames`), so a key cannot be
/// accepted by one and missing from the other; `slipway schema` writes the JSON Schema from it and
/// docs/CONFIG.md is generated from it.
package enum ConfigSchema {
    /// The top level of the file.
    package static let project = MappingSchema(
        id: "project", path: "(top level)",
        summary: "A file deploys services, migrates databases, or both: `services:` or `databases:` is required.",
        keys: [
            KeySchema("proxy", .mapping(proxy), default: .described("listen on 127.0.0.1:8080"),
                      "The reverse proxy every service is reached through.", example: "{ listen: 0.0.0.0:80 }"),
            KeySchema("api", .mapping(api), default: .described("only the unix socket"),
                      "The daemon's API over TCP, for clients on other machines (tokens: `slipway token`).",
                      example: "{ listen: 127.0.0.1:7070 }"),
            KeySchema("github", .mapping(github), default: .described("no GitHub webhook"),
                      "The GitHub push webhook's secret, for deployments on push.",
                      example: "{ secret_file: .slipway/github-webhook.secret }"),
            KeySchema("services", .names(serviceName, .mapping(service)), default: .described("none"),
                      "The services to deploy, by name.", example: "{ web: { run: python3 app.py } }"),
            KeySchema("environments", .names(serviceName, .mapping(environment)),
                      default: .described("one environment, `default`"),
                      "Named environments (staging, production), each running every service with its own settings.",
                      example: "{ staging: { branch: main }, production: { tags: semver, promote_from: staging } }"),
            KeySchema("databases", .names(serviceName, .mapping(database)), default: .described("none"),
                      "Databases whose migrations run (and backups are taken) before the services that use them.",
                      example: "{ main: { url: \"${DATABASE_URL}\", migrations: db/migrations } }"),
            KeySchema("notify", .list(.mapping(notifyChannel), minItems: 0, unique: false), default: .described("none"),
                      "Where deployments are announced: Slack, Telegram or a signed webhook.",
                      example: "[{ slack: { webhook: \"${SLACK_WEBHOOK}\" } }]"),
        ],
        rules: [.atLeastOne(["services", "databases"])])

    /// Every mapping of the file, each once, in the order docs/CONFIG.md shows them.
    package static let all: [MappingSchema] = [
        project, proxy, proxyTLS, certificateFiles, acme, api, apiTLSFiles, github,
        service, route, health, expect, image, staticSite, publishStep, purge, check, coverage, smoke, smokeHTTP,
        sticky, recreate, rolling, blueGreen, preview, canary, analysis, errorRate, latency, slo,
        environment, tags, approvals, hotfix,
        database, backup,
        notifyChannel, slack, telegram, webhook,
    ]

    // MARK: Shapes several keys share

    /// `DurationParser`'s grammar: numbers (decimals allowed) each followed by a unit, no spaces.
    static let durationPattern = #"([0-9]+(\.[0-9]+)?(ms|s|m|h|d))+"#
    static let duration = ValueShape.duration(positive: false)
    static let positiveDuration = ValueShape.duration(positive: true)
    static let nonEmptyText = ValueShape.text(nonEmpty: true)

    /// `NameRules.isValidName`: services, databases and environments.
    static let serviceName = NameRule(pattern: "^[a-z0-9][a-z0-9_-]*$",
                                      what: "lowercase letters, digits, `-` and `_`, starting with a letter or digit")
    /// `NameRules.isValidEnvironmentName`.
    static let variableName = NameRule(pattern: "^[A-Za-z_][A-Za-z0-9_]*$",
                                       what: "letters, digits and `_`, not starting with a digit")
    /// `RouteRules.normalizedHost`: dot-separated labels of letters, digits and inner hyphens.
    static let hostPattern = #"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"#
    static let host = ValueShape.string(pattern: hostPattern, what: "a host name like app.example.com")
    /// `RouteRules.isValidRoutePath`: a route or a header rule's pattern.
    static let routePath = ValueShape.string(pattern: #"^/[^?#\s\x00-\x1f\x7f]*$"#,
                                             what: "a path starting with `/`, without `?`, `#` or spaces")
    /// `RouteRules.isValidRequestPath`: a health check's or smoke test's request, query allowed.
    static let requestPath = ValueShape.string(pattern: #"^/[^#\s\x00-\x1f\x7f]*$"#,
                                               what: "a path starting with `/`, without `#` or spaces")
    /// `ListenAddress.parse`: `host:port`, `[v6]:port` or `:port`.
    static let listen = ValueShape.string(pattern: #"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]*):[0-9]{1,5}$"#,
                                          what: "`host:port`, `[::1]:port` or `:port`")
    /// `NotifyURLRules`: an http or https URL, scheme written out.
    static let httpURL = ValueShape.string(pattern: #"^[Hh][Tt][Tt][Pp][Ss]?://[^\s]+$"#, what: "an http:// or https:// URL")
    /// `HTTPTokenRules.isToken`.
    static let tokenPattern = #"[A-Za-z0-9!#$%&'*+.^_`|~-]+"#
    /// `env:` and `image.args:`: names as shells accept them, any scalar as its text.
    static let variables = ValueShape.names(variableName, .text(nonEmpty: false))
    /// Header names (HTTP tokens) to values.
    static let headers = ValueShape.names(NameRule(pattern: "^" + tokenPattern + "$", what: "an HTTP header name"),
                                          .text(nonEmpty: false))
}
