/// The pipeline keys of a service (`ServiceDecoder+Pipeline`), and a static site's block and
/// publish steps (`ServiceDecoder+StaticSite`, `ServiceDecoder+Publish`).
extension ConfigSchema {
    package static let check = MappingSchema(
        id: "check", path: "services.NAME.checks[]",
        summary: "A pre-deploy check: a command (`run:`) or a coverage minimum (`coverage:`), not both.",
        keys: [
            KeySchema("name", nonEmptyText, default: .described("the command, or `coverage`"), "The check's name in records.",
                      example: "unit tests"),
            KeySchema("run", nonEmptyText, default: .described("none"), "A command that passes with exit 0.", example: "make test"),
            KeySchema("timeout", positiveDuration, default: .value("10m"), "How long the check may run.", example: "20m"),
            KeySchema("coverage", .mapping(coverage), default: .described("none"),
                      "A coverage report and the minimum it must show.", example: "{ report: coverage/lcov.info, min: 80 }"),
        ],
        rules: [.exactlyOne(["run", "coverage"])])

    package static let coverage = MappingSchema(
        id: "coverage", path: "services.NAME.checks[].coverage",
        summary: "A coverage report made by an earlier check, and its minimum.",
        keys: [
            KeySchema("report", nonEmptyText, required: true, "The report's path in the release (lcov, Cobertura XML or a percentage).",
                      example: "coverage/lcov.info"),
            KeySchema("min", .either([.number(min: 0, max: 100),
                                      .string(pattern: #"^\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?\s*$"#,
                                              what: "a number")]),
                      required: true, "The lowest percentage that passes, from 0 to 100.", example: "80"),
        ])

    package static let smoke = MappingSchema(
        id: "smoke", path: "services.NAME.smoke[]",
        summary: "A smoke test: a request (`http:`) or a command (`run:`), not both.",
        keys: [
            KeySchema("http", .mapping(smokeHTTP), default: .described("none"), "A request to the new release.",
                      example: "{ path: /api/health, expect: { status: 200 } }"),
            KeySchema("run", nonEmptyText, default: .described("none"), "A command that passes with exit 0.",
                      example: "./scripts/smoke.sh"),
            KeySchema("timeout", positiveDuration, default: .value("1m"), "How long the test may take.", example: "2m"),
        ],
        rules: [.exactlyOne(["http", "run"])])

    package static let smokeHTTP = MappingSchema(
        id: "smokeHTTP", path: "services.NAME.smoke[].http",
        summary: "A GET request through the new release's instances.",
        keys: [
            KeySchema("path", requestPath, required: true, "The path requested.", example: "/api/health"),
            KeySchema("expect", .mapping(expect), default: .described("status 200"), "What the response must be.",
                      example: "{ status: 200 }"),
        ])

    package static let staticSite = MappingSchema(
        id: "static", path: "services.NAME.static",
        summary: "A static site: the proxy serves the release's files. Keys that describe processes (`run`, `health`, `replicas` > 1, …) are refused beside it.",
        keys: [
            KeySchema("root", nonEmptyText, required: true,
                      "The folder inside the release that is served (relative, never through `..`).", example: "dist"),
            KeySchema("entry", nonEmptyText, default: .value("index.html"),
                      "The file served for a folder, inside `root`; it must exist for a release to go live.", example: "index.html"),
            KeySchema("spa", .boolean, default: .value("false"),
                      "Serve `entry` for paths with no file (a single-page app's client-side routes).", example: "true"),
            KeySchema("headers", .names(NameRule(pattern: #"^/[^?#\s]*$"#, what: "a path pattern like /assets/*"), headers),
                      default: .described("none"),
                      "Response headers by path pattern, in order (a later rule's header replaces an earlier one's).",
                      example: "{ \"/assets/*\": { Cache-Control: \"max-age=31536000, immutable\" } }"),
            KeySchema("not_found", nonEmptyText, default: .described("a plain 404"),
                      "A file inside `root` served with status 404.", example: "404.html"),
            KeySchema("retain_assets", duration, default: .value("1h"),
                      "How long the previous release's files are still served after a switch (`0s`: not at all).",
                      example: "24h"),
            KeySchema("precompress", .boolean, default: .value("true"),
                      "Make `.gz` (and `.br`, with brotli installed) files at build time and serve them.", example: "false"),
        ])

    package static let publishStep = MappingSchema(
        id: "publishStep", path: "services.NAME.publish[]",
        summary: "A step after a static site's switch: a command (`run:`) or an HTTP request (`purge:`), not both.",
        keys: [
            KeySchema("run", nonEmptyText, default: .described("none"), "A command run in the release directory.",
                      example: "./scripts/upload.sh"),
            KeySchema("purge", .mapping(purge), default: .described("none"), "An HTTP request, such as a CDN purge.",
                      example: "{ url: \"https://api.cdn.example/purge\", headers: { Authorization: \"Bearer ${CDN_TOKEN}\" } }"),
            KeySchema("timeout", positiveDuration, default: .value("5m"), "How long the step may take.", example: "10m"),
        ],
        rules: [.exactlyOne(["run", "purge"])])

    package static let purge = MappingSchema(
        id: "purge", path: "services.NAME.publish[].purge",
        summary: "An HTTP request; `${VAR}` in the URL and header values is expanded only when it is sent.",
        keys: [
            KeySchema("url", httpURL, required: true, "The URL, its scheme written out.", example: "https://api.cdn.example/purge"),
            KeySchema("method", .string(pattern: "^" + tokenPattern + "$", what: "an HTTP method"), default: .value("POST"),
                      "The request's method.", example: "PURGE"),
            KeySchema("headers", headers, default: .described("none"), "Request headers.",
                      example: "{ Authorization: \"Bearer ${CDN_TOKEN}\" }"),
        ])
}
