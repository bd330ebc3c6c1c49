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
            "# Each optional key is shown commented out with its default (or an example, where the default",
            "# is none). docs/CONFIG.md explains every key; `slipway check` validates this file.",
            "proxy:",
            "  listen: \(listen)  # where user traffic arrives",
        ]
        lines += Self.optionalKeys(of: ConfigSchema.proxy, skipping: ["listen"], indent: "  ")
        lines += ["services:", "  \(service):"]
        lines += app.kind == .staticSite ? staticLines : processLines
        return lines.map(Self.aligned).joined(separator: "\n") + "\n"
    }

    private var processLines: [String] {
        var lines: [String] = []
        if app.kind == .docker {
            lines += [
                "    runtime: docker",
                "    image: { dockerfile: Dockerfile }  # built from the repository; or name: registry/image:tag",
                "    port: \(app.containerPort ?? 8080)  # the port the container listens on",
            ]
            if let run { lines.append("    run: \(Self.quoted(run))") }
        } else {
            lines.append("    run: \(Self.quoted(run ?? app.run ?? "./start.sh"))  # started in the release directory with PORT set")
            if let build = app.build {
                lines.append("    build: \(Self.quoted(build))  # run once in each new release, before it starts")
            }
        }
        lines += environmentLines
        lines += [
            "    health:",
            "      path: \(app.healthPath)  # \(app.healthReason)",
        ]
        lines += Self.optionalKeys(of: ConfigSchema.health, skipping: ["path"], indent: "      ")
        var written: Set = ["run", "env", "health", "runtime", "image", "port"]
        if app.build != nil { written.insert("build") }
        // What only a container, or only a static site, takes is not offered to the other kinds.
        let elsewhere: Set = app.kind == .docker ? ["static", "publish", "build"]
            : ["image", "port", "volumes", "exclusive", "static", "publish", "runtime"]
        lines += Self.optionalKeys(of: ConfigSchema.service, skipping: written.union(elsewhere), indent: "    ")
        return lines
    }

    private var staticLines: [String] {
        var lines = [
            "    static:",
            "      root: \(Self.quoted(app.siteRoot ?? "dist"))  # the folder of built files the proxy serves",
            "      spa: \(app.build != nil)  # unknown paths without an extension answer index.html",
        ]
        lines += Self.optionalKeys(of: ConfigSchema.staticSite, skipping: ["root", "spa"], indent: "      ")
        if let build = app.build {
            lines.append("    build: \(Self.quoted(build))  # run once in each new release")
        }
        lines += environmentLines
        // A static site has no process: only the keys the decoder takes beside `static:`.
        let process: Set = ["run", "health", "stop_timeout", "replicas", "balance", "sticky", "strategy", "recreate", "rolling",
                            "blue_green", "canary", "runtime", "image", "port", "volumes", "exclusive", "static", "env"]
        lines += Self.optionalKeys(of: ConfigSchema.service, skipping: process.union(app.build != nil ? ["build"] : []), indent: "    ")
        return lines
    }

    /// Every key of `mapping` not in `skipping`, commented out: its default when it has one to
    /// write, else its example; the comment is the table's summary (and the default in words).
    /// The schema's table is the one source, so a new key shows here as it does in docs/CONFIG.md.
    static func optionalKeys(of mapping: MappingSchema, skipping: Set<String>, indent: String) -> [String] {
        mapping.keys.filter { !skipping.contains($0.name) && !$0.required }.map { key in
            // The first sentence of the table's summary (`.gz` holds a dot that ends none).
            var summary = key.summary.replacingOccurrences(of: "\n", with: " ")
            if let end = summary.range(of: ". ") { summary = String(summary[..<end.lowerBound]) }
            if summary.hasSuffix(".") { summary.removeLast() }
            switch key.defaultValue {
            case .value(let value)?:
                return "\(indent)# \(key.name): \(value)  # \(summary)"
            case .described(let words)?:
                return "\(indent)# \(key.name): \(key.example)  # \(summary) (default: \(words))"
            case nil:
                return "\(indent)# \(key.name): \(key.example)  # \(summary)"
            }
        }
    }

    /// The secret-looking variables the app reads, from `.slipway/secrets.env`.
    private var environmentLines: [String] {
        guard !app.secretNames.isEmpty else { return ["    # env: { LOG_LEVEL: info }"] }
        var lines = ["    env:                              # ${NAME}: from .slipway/secrets.env (mode 0600), hidden in every log"]
        for name in app.secretNames { lines.append("      \(name): \"${\(name)}\"") }
        return lines
    }
}
