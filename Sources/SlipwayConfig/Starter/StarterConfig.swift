import Foundation

/// The `slipway.yml` that `slipway init` writes: the few keys the detected app needs, each optional
/// key shown commented out with its default, and a comment saying what each guess rests on. It
/// always passes `slipway check` (`InitCommand` checks it before writing a byte).
package struct StarterConfig {
    package var app: DetectedApp
    package var service: String
    /// Replaces the detected command (`--run`).
    package var run: String?
    package var listen = "127.0.0.1:8080"
    /// The `# yaml-language-server: $schema=…` line's target, when there is a schema to point at.
    package var schema: String?

    package init(app: DetectedApp, service: String, run: String? = nil, schema: String? = nil) {
        self.app = app
        self.service = service
        self.run = run
        self.schema = schema
    }

    /// The line with its trailing comment (after two spaces and `#`) moved to column 40, as a
    /// person would write the file; a line with no comment, or longer, is left as it is.
    static func aligned(_ line: String) -> String {
        let indent = line.prefix { $0 == " " }
        let body = line.dropFirst(indent.count)
        // A key shown commented out (`# retain: 5  # …`) has its own comment after its `# `.
        let from = body.hasPrefix("# ") ? body.index(body.startIndex, offsetBy: 2) : body.startIndex
        guard let range = body[from...].range(of: "  # ") else { return line }
        var code = String(indent + body[..<range.lowerBound])
        while code.hasSuffix(" ") { code.removeLast() }
        let comment = body[range.upperBound...]
        guard code.count < 38 else { return code + "  # " + comment }
        return code + String(repeating: " ", count: 40 - code.count) + "# " + comment
    }

    /// A YAML scalar for a command or a path: single-quoted, as the shell's `$PORT` and `&&` and a
    /// `#` must stay text.
    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

    /// Where `init` points editors for completion and checking: the schema it writes beside the
    /// file (`slipway schema` prints it again after an upgrade).
    package static let defaultSchema: String? = "./" + StarterFiles.schemaFile

    package var text: String {
        var lines: [String] = []
        if let schema { lines.append("# yaml-language-server: $schema=\(schema)") }
        lines += [
            "# Written by `slipway init`: \(app.kind == .command ? "a command given with --run" : app.evidence).",
            "# Keys left commented out show their default (or an example, where there is none). `slipway check` validates this file.",
            "proxy:",
            "  listen: \(listen)          # where user traffic arrives",
            "  # idle_timeout: 75s             # a client making no progress is cut after this",
            "services:",
            "  \(service):",
        ]
        if app.kind == .staticSite {
            lines += staticLines
        } else {
            lines += processLines
        }
        lines += [
            "    # paths: ['src/**']  # which changed files make `deploy --changed` deploy it (gitignore-style globs)",
            "    # retain: 5  # releases kept for rollback",
        ]
        return lines.map(Self.aligned).joined(separator: "\n") + "\n"
    }

    private var processLines: [String] {
        var lines: [String] = []
        if app.kind == .docker {
            lines += [
                "    runtime: docker",
                "    image: { dockerfile: Dockerfile }     # built from the repository; or name: registry/image:tag",
                "    port: \(app.containerPort ?? 8080)                       # the port the container listens on",
            ]
            if let run { lines.append("    run: \(Self.quoted(run))") }
        } else {
            let command = run ?? app.run ?? "./start.sh"
            lines.append("    run: \(Self.quoted(command))" + String(repeating: " ", count: max(1, 30 - command.count))
                         + "# started in the release directory with PORT set")
        }
        if app.kind != .docker {
            if let build = app.build {
                lines.append("    build: \(Self.quoted(build))   # run once in each new release, before it starts")
            } else {
                lines.append("    # build: make                   # run once in each new release, before it starts")
            }
        }
        lines += [
            "    # build_timeout: 10m",
        ]
        lines += environmentLines
        lines += [
            "    # route: { host: app.example.com, path: / }   # default: every host, path /",
            "    health:",
            "      path: \(app.healthPath)                  # \(app.healthReason)",
            "      # interval: 1s",
            "      # timeout: 2s",
            "      # healthy_threshold: 1          # successes before the new release gets traffic",
            "      # unhealthy_threshold: 3        # failures that mark a live release unhealthy",
            "      # start_timeout: 30s            # not healthy by then: the deploy fails, the old release serves on",
            "      # expect: { status: 200 }",
            "    # drain_timeout: 30s              # in-flight requests on the old release may finish this long",
            "    # stop_timeout: 10s               # SIGTERM, then SIGKILL after this",
            "    # watch: 60s                      # unhealthy within this after the switch: rolled back by itself",
            "    # replicas: 1",
            "    # strategy: switch                # or recreate, rolling, blue_green, canary",
        ]
        return lines
    }

    private var staticLines: [String] {
        var lines = [
            "    static:",
            "      root: \(Self.quoted(app.siteRoot ?? "dist"))                  # the folder of built files the proxy serves",
            "      spa: \(app.build != nil)                      # unknown paths without an extension answer index.html",
            "      # entry: index.html",
            "      # not_found: 404.html",
            "      # headers: { '/assets/*': { Cache-Control: 'public, max-age=31536000, immutable' } }",
            "      # retain_assets: 1h              # the previous release's files stay reachable this long",
            "      # precompress: true              # .gz (and .br) made at build time",
        ]
        if let build = app.build {
            lines.append("    build: \(Self.quoted(build))   # run once in each new release")
        }
        lines += environmentLines
        lines += [
            "    # route: { host: app.example.com, path: / }",
            "    # publish: [ { run: ./scripts/upload.sh } ]   # after the switch: a CDN upload or purge",
        ]
        return lines
    }

    /// The secret-looking variables the app reads, from `.slipway/secrets.env`.
    private var environmentLines: [String] {
        guard !app.secretNames.isEmpty else { return ["    # env: { LOG_LEVEL: info }"] }
        var lines = ["    env:                              # ${NAME}: from .slipway/secrets.env (mode 0600), hidden in every log"]
        for name in app.secretNames { lines.append("      \(name): \"${\(name)}\"") }
        return lines
    }
}
