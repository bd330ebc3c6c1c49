import Foundation

/// `slipway init`'s look at a repository: which kind of app it holds (a Dockerfile, a Node,
/// Python, Go, Ruby or Rust app, or a folder of built files), how to build and run it, and, from
/// its source, a health route and the secret-looking variables it reads. A guess that names its
/// evidence, never a claim: the file it writes says why, and `--run` overrides.
package struct AppDetection {
    let root: String

    package init(root: String) {
        self.root = root
    }

    /// Health routes a framework or a team usually picks, best first.
    static let healthRoutes = ["/healthz", "/health", "/up", "/readyz", "/ready", "/status", "/ping"]
    /// Where source is read for routes and variables; never dependencies or build output.
    static let skippedFolders: Set<String> = [".git", "node_modules", "vendor", "target", "dist", "build", ".venv", "venv",
                                              "__pycache__", ".slipway", ".next", "coverage"]
    static let sourceExtensions: Set<String> = ["js", "mjs", "cjs", "ts", "py", "go", "rb", "rs", "ex", "java", "kt", "php"]

    package func detect() -> DetectedApp {
        let sources = sourceFiles()
        var app = kind(sources: sources)
        if app.kind != .staticSite {
            (app.healthPath, app.healthReason) = healthRoute(in: sources)
        }
        app.secretNames = secretVariables(in: sources)
        return app
    }

    // MARK: The kind of app

    private func kind(sources: [String]) -> DetectedApp {
        if let dockerfile = text("Dockerfile") {
            let port = Self.exposedPort(dockerfile)
            return DetectedApp(kind: .docker, evidence: "a Dockerfile" + (port.map { " (EXPOSE \($0))" } ?? ""),
                               containerPort: port ?? 8080)
        }
        if let node = nodeApp() { return node }
        if let python = pythonApp(sources: sources) { return python }
        if exists("go.mod") {
            return DetectedApp(kind: .go, evidence: "go.mod", run: "./server", build: "go build -o server .")
        }
        if let gemfile = text("Gemfile"), ["rack", "sinatra", "rails", "puma", "roda", "hanami"].contains(where: gemfile.contains) {
            if exists("bin/rails") {
                return DetectedApp(kind: .ruby, evidence: "a Gemfile with rails", run: "bin/rails server -b 127.0.0.1 -p $PORT",
                                   build: "bundle install")
            }
            return DetectedApp(kind: .ruby, evidence: "a Gemfile with rack", run: "bundle exec rackup -o 127.0.0.1 -p $PORT",
                               build: "bundle install")
        }
        if let cargo = text("Cargo.toml"), let name = Self.cargoPackageName(cargo) {
            return DetectedApp(kind: .rust, evidence: "Cargo.toml (package \(name))", run: "./target/release/\(name)",
                               build: "cargo build --release")
        }
        for folder in ["dist", "build", "public", "site", "_site"] where exists(folder + "/index.html") {
            return DetectedApp(kind: .staticSite, evidence: "\(folder)/index.html", siteRoot: folder)
        }
        return DetectedApp(kind: .command, evidence: "nothing this command recognises (pass --run)")
    }

    private func nodeApp() -> DetectedApp? {
        guard let data = FileManager.default.contents(atPath: root + "/package.json"),
              let package = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        let scripts = package["scripts"] as? [String: Any] ?? [:]
        let dependencies = Array((package["dependencies"] as? [String: Any] ?? [:]).keys)
            + Array((package["devDependencies"] as? [String: Any] ?? [:]).keys)
        let install = exists("package-lock.json") ? "npm ci" : "npm install"
        let build = scripts["build"] != nil ? "\(install) && npm run build" : install
        let servers = ["express", "fastify", "koa", "@hapi/hapi", "next", "nuxt", "@nestjs/core", "@remix-run/serve", "@sveltejs/adapter-node"]
        let frontEnds = ["vite": "dist", "react-scripts": "build", "@vue/cli-service": "dist", "@angular/core": "dist", "parcel": "dist"]
        if !dependencies.contains(where: servers.contains), scripts["build"] != nil,
           let (tool, folder) = frontEnds.first(where: { dependencies.contains($0.key) }) {
            return DetectedApp(kind: .staticSite, evidence: "package.json builds a front end with \(tool)", build: build, siteRoot: folder)
        }
        if scripts["start"] != nil {
            return DetectedApp(kind: .node, evidence: "package.json has a start script", run: "npm start", build: build)
        }
        if let main = package["main"] as? String {
            return DetectedApp(kind: .node, evidence: "package.json names \(main) as main", run: "node \(main)", build: build)
        }
        return nil
    }

    private func pythonApp(sources: [String]) -> DetectedApp? {
        let requirements = [text("requirements.txt"), text("pyproject.toml"), text("Pipfile")].compactMap { $0 }.joined(separator: "\n").lowercased()
        guard !requirements.isEmpty || exists("manage.py") else { return nil }
        let install = exists("requirements.txt") ? ".venv/bin/pip install -r requirements.txt" : ".venv/bin/pip install ."
        let build = "python3 -m venv .venv && \(install)"
        let gunicorn = requirements.contains("gunicorn")
        if exists("manage.py"), let project = sources.first(where: { $0.hasSuffix("/wsgi.py") })?.split(separator: "/").dropLast().last {
            let run = gunicorn ? ".venv/bin/gunicorn -b 127.0.0.1:$PORT \(project).wsgi"
                : ".venv/bin/python manage.py runserver 127.0.0.1:$PORT --noreload"
            return DetectedApp(kind: .python, evidence: "a Django project (manage.py, \(project)/wsgi.py)", run: run, build: build)
        }
        if requirements.contains("fastapi") || requirements.contains("starlette"), let app = appObject(in: sources, made: ["FastAPI(", "Starlette("]) {
            return DetectedApp(kind: .python, evidence: "a FastAPI app (\(app) in \(Self.module(app)).py)",
                               run: ".venv/bin/uvicorn \(app) --host 127.0.0.1 --port $PORT", build: build)
        }
        if requirements.contains("flask"), let app = appObject(in: sources, made: ["Flask("]) {
            let run = gunicorn ? ".venv/bin/gunicorn -b 127.0.0.1:$PORT \(app)" : ".venv/bin/flask --app \(app) run --host 127.0.0.1 --port $PORT"
            return DetectedApp(kind: .python, evidence: "a Flask app (\(app) in \(Self.module(app)).py)", run: run, build: build)
        }
        return nil
    }

    /// `module:variable` of the first `variable = Framework(` in the Python sources.
    private func appObject(in sources: [String], made constructors: [String]) -> String? {
        for path in sources where path.hasSuffix(".py") {
            guard let text = text(path) else { continue }
            for line in text.split(separator: "\n") {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                guard let equals = trimmed.firstIndex(of: "="),
                      constructors.contains(where: { trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces).hasPrefix($0) })
                else { continue }
                let variable = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
                guard !variable.isEmpty, variable.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { continue }
                let module = String(path.dropLast(3)).replacingOccurrences(of: "/", with: ".")
                return "\(module):\(variable)"
            }
        }
        return nil
    }

    private static func module(_ app: String) -> String {
        String(app.split(separator: ":").first ?? "").replacingOccurrences(of: ".", with: "/")
    }

    static func exposedPort(_ dockerfile: String) -> Int? {
        for line in dockerfile.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.first?.uppercased() == "EXPOSE", words.count > 1 else { continue }
            if let port = Int(words[1].split(separator: "/").first ?? ""), (1...65535).contains(port) { return port }
        }
        return nil
    }

    static func cargoPackageName(_ manifest: String) -> String? {
        var inPackage = false
        for line in manifest.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("[") { inPackage = trimmed == "[package]"; continue }
            guard inPackage, trimmed.hasPrefix("name"), let quote = trimmed.firstIndex(of: "\"") else { continue }
            let rest = trimmed[trimmed.index(after: quote)...]
            return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
        }
        return nil
    }

    // MARK: What the source says

    /// The health route the source names, best first, and the file it is in; else `/`.
    private func healthRoute(in sources: [String]) -> (String, String) {
        var found: [String: String] = [:]
        for path in sources {
            guard let text = text(path) else { continue }
            for route in Self.healthRoutes where found[route] == nil {
                if text.contains("\"\(route)\"") || text.contains("'\(route)'") || text.contains("`\(route)`") { found[route] = path }
            }
        }
        if let route = Self.healthRoutes.first(where: { found[$0] != nil }) {
            return (route, "found \"\(route)\" in \(found[route]!)")
        }
        return ("/", "no health route found in the code: / must answer 200 (a /health route that checks the app's "
                + "dependencies is better: change path)")
    }

    /// Secret-looking names among the variables the source reads from its environment.
    private func secretVariables(in sources: [String]) -> [String] {
        let readers = ["process.env.", "process.env[\"", "process.env['", "os.environ[\"", "os.environ['", "os.environ.get(\"",
                       "os.environ.get('", "os.getenv(\"", "os.getenv('", "os.Getenv(\"", "ENV[\"", "ENV['", "ENV.fetch(\"",
                       "ENV.fetch('", "env::var(\"", "System.getenv(\""]
        var names = Set<String>()
        for path in sources {
            guard let text = text(path) else { continue }
            for reader in readers {
                var rest = Substring(text)
                while let range = rest.range(of: reader) {
                    rest = rest[range.upperBound...]
                    let name = String(rest.prefix { $0.isUppercase || $0.isNumber || $0 == "_" })
                    if name.count > 1, Self.looksSecret(name) { names.insert(name) }
                }
            }
        }
        return names.sorted()
    }

    static func looksSecret(_ name: String) -> Bool {
        ["SECRET", "TOKEN", "PASSWORD", "PASSWD", "API_KEY", "PRIVATE_KEY", "ACCESS_KEY", "DSN", "DATABASE_URL", "CREDENTIALS"]
            .contains(where: name.contains) || name.hasSuffix("_KEY")
    }

    // MARK: Files

    private func sourceFiles(limit: Int = 3000) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        while let path = walker.nextObject() as? String, files.count < limit {
            let name = (path as NSString).lastPathComponent
            if Self.skippedFolders.contains(name) {
                walker.skipDescendants()
                continue
            }
            guard let dot = name.lastIndex(of: "."), Self.sourceExtensions.contains(String(name[name.index(after: dot)...])) else { continue }
            files.append(path)
        }
        return files.sorted()
    }

    private func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: root + "/" + path) }

    /// A file's text, if it is small enough to be source (≤ 512 KiB) and UTF-8.
    private func text(_ path: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: root + "/" + path),
              (attributes[.size] as? Int ?? 0) <= 512 * 1024,
              let data = FileManager.default.contents(atPath: root + "/" + path) else { return nil }
        return String(data: data, encoding: .utf8)
    }
}
