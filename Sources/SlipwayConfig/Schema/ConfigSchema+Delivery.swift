/// How a service's releases reach its users (`ServiceDecoder+Delivery`, `CanaryDecoder`).
extension ConfigSchema {
    package static let sticky = MappingSchema(
        id: "sticky", path: "services.NAME.sticky",
        summary: "Session affinity: the proxy sets a cookie naming the replica a client keeps.",
        keys: [
            KeySchema("cookie", .string(pattern: #"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$"#, what: "a cookie name (an HTTP token)"),
                      required: true, "The cookie's name.", example: "slipway_web"),
        ])

    package static let recreate = MappingSchema(
        id: "recreate", path: "services.NAME.recreate",
        summary: "`strategy: recreate`: the old release stops before the new one starts.",
        keys: [
            KeySchema("hold_requests", duration, default: .value("10s"),
                      "How long the proxy holds requests while no release runs, before answering 503.", example: "30s"),
        ])

    package static let rolling = MappingSchema(
        id: "rolling", path: "services.NAME.rolling",
        summary: "`strategy: rolling`: replicas replaced a few at a time. Neither bound may exceed `replicas`; not both 0.",
        keys: [
            KeySchema("max_surge", .integer(min: 0, max: nil), default: .value("1"),
                      "New instances started beyond `replicas` at a time.", example: "2"),
            KeySchema("max_unavailable", .integer(min: 0, max: nil), default: .value("0"),
                      "Old instances stopped before their replacements are healthy.", example: "1"),
        ])

    package static let blueGreen = MappingSchema(
        id: "blueGreen", path: "services.NAME.blue_green",
        summary: "`strategy: blue_green`: the new release gets a preview route, then one atomic switch.",
        keys: [
            KeySchema("preview", .mapping(preview), required: true, "How to reach the new release before the switch.",
                      example: "{ host: preview.example.com }"),
            KeySchema("auto_switch", .either([.off, duration]), default: .value("false"),
                      "`false`: switch on `slipway rollout SERVICE promote`; a duration: switch that long after the preview passed.",
                      example: "5m"),
        ])

    package static let preview = MappingSchema(
        id: "preview", path: "services.NAME.blue_green.preview",
        summary: "The preview route: a host, a header, or both.",
        keys: [
            KeySchema("host", host, default: .described("none"), "A host name other than the service's route host.",
                      example: "preview.example.com"),
            KeySchema("header", .string(pattern: "^" + tokenPattern + #":[ \t]*[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"#,
                                        what: "`Name: value`"),
                      default: .described("none"), "A request header that selects the preview.", example: "\"X-Slipway-Preview: 1\""),
        ],
        rules: [.atLeastOne(["host", "header"])])

    package static let canary = MappingSchema(
        id: "canary", path: "services.NAME.canary",
        summary: "`strategy: canary`: weighted steps, each judged against the running release.",
        keys: [
            KeySchema("steps", .list(.integer(min: 1, max: 100), minItems: 1, unique: false), default: .value("[5, 50, 100]"),
                      "Percentages of requests, rising, the last 100.", example: "[10, 25, 50, 100]"),
            KeySchema("interval", positiveDuration, default: .value("10s"), "The analysis window of each step.", example: "1m"),
            KeySchema("pause", .either([.choice(["manual"]), duration]), default: .value("0s"),
                      "A wait after each passed step, or `manual` to wait for `slipway rollout SERVICE promote`.",
                      example: "manual"),
            KeySchema("max_wait", positiveDuration, default: .described("10 × interval"),
                      "How long a step may wait for enough requests; not shorter than `interval`.", example: "10m"),
            KeySchema("analysis", .mapping(analysis), default: .described("the defaults of its keys"),
                      "How each step is judged.", example: "{ min_requests: 100, test: mann_whitney }"),
        ])

    package static let analysis = MappingSchema(
        id: "analysis", path: "services.NAME.canary.analysis",
        summary: "The rules that judge a canary step; a rule written `off` is not checked.",
        keys: [
            KeySchema("min_requests", .integer(min: 1, max: nil), default: .value("50"),
                      "Requests each side needs before a step is judged.", example: "200"),
            KeySchema("error_rate", .either([.off, .mapping(errorRate)]), default: .value("{ relative: 0.5, floor: 0.01 }"),
                      "Fail when the canary's error rate exceeds the baseline's by this much.", example: "off"),
            KeySchema("latency_p95", .either([.off, .mapping(latency)]), default: .value("{ max_ratio: 2.0 }"),
                      "Fail when the canary's p95 latency exceeds the baseline's by this ratio.", example: "{ max_ratio: 1.5 }"),
            KeySchema("test", .either([.off, .choice(["none", "mann_whitney"])]), default: .value("off"),
                      "A Mann-Whitney U test of the latencies (alpha 0.05).", example: "mann_whitney"),
            KeySchema("slo", .mapping(slo), default: .described("none"),
                      "Absolute limits, for a canary with no baseline to compare with.",
                      example: "{ error_rate: 0.01, latency_p95: 300ms }"),
            KeySchema("run", nonEmptyText, default: .described("none"),
                      "A command run at the end of each window (exit 0 passes), given `SLIPWAY_*` variables.",
                      example: "./scripts/canary-check.sh"),
        ])

    package static let errorRate = MappingSchema(
        id: "errorRate", path: "services.NAME.canary.analysis.error_rate",
        summary: "The error-rate rule.",
        keys: [
            KeySchema("relative", .number(min: 0, max: nil), default: .value("0.5"),
                      "How much higher than the baseline's the rate may be (0.5: 50% higher).", example: "0.2"),
            KeySchema("floor", .number(min: 0, max: 1), default: .value("0.01"),
                      "A rate below which the canary always passes this rule.", example: "0.005"),
        ])

    package static let latency = MappingSchema(
        id: "latency", path: "services.NAME.canary.analysis.latency_p95",
        summary: "The latency rule.",
        keys: [
            KeySchema("max_ratio", .number(min: 1, max: nil), default: .value("2.0"),
                      "The canary's p95 over the baseline's, at most.", example: "1.5"),
        ])

    package static let slo = MappingSchema(
        id: "slo", path: "services.NAME.canary.analysis.slo",
        summary: "Absolute limits: at least one.",
        keys: [
            KeySchema("error_rate", .number(min: 0, max: 1), default: .described("none"), "The highest error rate.",
                      example: "0.01"),
            KeySchema("latency_p95", positiveDuration, default: .described("none"), "The highest p95 latency.",
                      example: "300ms"),
        ],
        rules: [.atLeastOne(["error_rate", "latency_p95"])])
}
