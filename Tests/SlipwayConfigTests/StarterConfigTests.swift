import Foundation
import SlipwayConfig
import SlipwayModel
import SlipwayTestSupport
import Testing

/// `slipway init` on a small repository of each kind: what it finds, and a file that passes check.
@Suite struct StarterConfigTests {
    /// Detects `files`, writes the starter file into the directory, and loads it as `check` would.
    static func initialise(_ files: [String: String], service: String = "web", run: String? = nil)
        throws -> (DetectedApp, String, ProjectConfig) {
        let directory = try TemporaryDirectory(prefix: "slipway-init")
        for (path, text) in files { try directory.write(path, text) }
        let app = AppDetection(root: directory.path).detect()
        let written = try StarterFiles.write(StarterConfig(app: app, service: service, run: run), in: directory.path, force: false)
        let text = try String(contentsOfFile: written.configFile, encoding: .utf8)
        var environment: [String: String] = [:]
        for name in app.secretNames { environment[name] = "" }
        let config = try ConfigLoader.parse(yaml: text, file: "slipway.yml", environment: environment)
        return (app, text, config)
    }

    @Test func aNodeServerRunsItsStartScriptWithTheHealthRouteItServes() throws {
        let (app, text, config) = try Self.initialise([
            "package.json": #"{ "scripts": { "start": "node server.js" }, "dependencies": { "express": "4" } }"#,
            "package-lock.json": "{}",
            "server.js": "app.get('/healthz', ok); const key = process.env.STRIPE_SECRET_KEY; const p = process.env.PORT\n",
        ])
        #expect(app.kind == .node)
        let web = try #require(config.services.first)
        #expect(web.run == "npm start" && web.build == "npm ci")
        #expect(web.health.path == "/healthz")
        #expect(text.contains("found \"/healthz\" in server.js"))
        #expect(app.secretNames == ["STRIPE_SECRET_KEY"], "PORT is not a secret")
        #expect(web.env["STRIPE_SECRET_KEY"] == "")
        // Every optional key of a service, from the schema's table, shown commented out with its default.
        for key in ConfigSchema.service.keys where !["run", "build", "env", "health", "runtime", "image", "port", "volumes",
                                                      "exclusive", "static", "publish"].contains(key.name) {
            #expect(text.contains("    # \(key.name): "), "\(key.name) is not offered")
        }
        #expect(text.contains("# strategy: switch ") && text.contains("# drain_timeout: 30s ") && text.contains("      # interval: 1s "))
    }

    @Test func aFrontEndBuildIsAStaticSite() throws {
        let (app, text, config) = try Self.initialise([
            "package.json": #"{ "scripts": { "build": "vite build", "dev": "vite" }, "devDependencies": { "vite": "5" } }"#,
        ])
        #expect(app.kind == .staticSite)
        let site = try #require(config.services.first)
        #expect(site.runtime == .staticSite && site.staticSite?.root == "dist" && site.staticSite?.spa == true)
        #expect(site.build == "npm install && npm run build")
        #expect(text.contains("      # retain_assets: 1h ") && text.contains("    # publish: "))
        #expect(!text.contains("# strategy:") && !text.contains("# stop_timeout:"), "keys a static site refuses are not offered")
    }

    @Test func pythonFrameworksAreRunByTheirServers() throws {
        let (flask, _, flaskConfig) = try Self.initialise([
            "requirements.txt": "flask==3.0\ngunicorn\n", "app.py": "from flask import Flask\napp = Flask(__name__)\n@app.get('/health')\n",
        ])
        #expect(flask.kind == .python)
        #expect(flaskConfig.services.first?.run == ".venv/bin/gunicorn -b 127.0.0.1:$PORT app:app")
        #expect(flaskConfig.services.first?.health.path == "/health")
        let (fast, _, fastConfig) = try Self.initialise([
            "pyproject.toml": "[project]\ndependencies = [\"fastapi\", \"uvicorn\"]\n",
            "src/api/main.py": "import os\napi = FastAPI()\nDSN = os.environ[\"SENTRY_DSN\"]\n",
        ])
        #expect(fastConfig.services.first?.run == ".venv/bin/uvicorn src.api.main:api --host 127.0.0.1 --port $PORT")
        #expect(fastConfig.services.first?.build == "python3 -m venv .venv && .venv/bin/pip install .")
        #expect(fast.secretNames == ["SENTRY_DSN"])
        let (django, _, djangoConfig) = try Self.initialise([
            "requirements.txt": "Django\n", "manage.py": "", "shop/wsgi.py": "application = get_wsgi_application()\n",
        ])
        #expect(django.evidence.contains("Django"))
        #expect(djangoConfig.services.first?.run == ".venv/bin/python manage.py runserver 127.0.0.1:$PORT --noreload")
    }

    @Test func goRubyRustAndDockerAreRecognised() throws {
        let (go, _, goConfig) = try Self.initialise(["go.mod": "module example.com/api\n", "main.go": "http.HandleFunc(\"/up\", up)\n"])
        #expect(go.kind == .go && goConfig.services.first?.build == "go build -o server .")
        #expect(goConfig.services.first?.health.path == "/up")
        let (ruby, _, rubyConfig) = try Self.initialise(["Gemfile": "gem 'sinatra'\ngem 'rack'\n", "config.ru": "run App\n"])
        #expect(ruby.kind == .ruby && rubyConfig.services.first?.run == "bundle exec rackup -o 127.0.0.1 -p $PORT")
        let (rust, _, rustConfig) = try Self.initialise(["Cargo.toml": "[package]\nname = \"shop-api\"\nversion = \"0.1.0\"\n"])
        #expect(rust.kind == .rust && rustConfig.services.first?.run == "./target/release/shop-api")
        let (docker, _, dockerConfig) = try Self.initialise(["Dockerfile": "FROM scratch\nEXPOSE 3000/tcp\n", "package.json": "{}"])
        #expect(docker.kind == .docker)
        #expect(dockerConfig.services.first?.runtime == .docker && dockerConfig.services.first?.docker?.port == 3000)
    }

    @Test func aBuiltFolderIsServedAndNothingRecognisedNeedsRun() throws {
        let (site, _, siteConfig) = try Self.initialise(["public/index.html": "<!doctype html>"])
        #expect(site.kind == .staticSite && siteConfig.services.first?.staticSite?.root == "public")
        #expect(siteConfig.services.first?.build == nil)
        let (none, text, config) = try Self.initialise(["notes.txt": "hello"], service: "api", run: "python3 -m http.server $PORT")
        #expect(none.kind == .command)
        #expect(config.services.first?.name == "api" && config.services.first?.run == "python3 -m http.server $PORT")
        #expect(text.contains("no health route found"))
    }

    @Test func anExistingFileIsKeptAndGitignoreAndSecretsAreCompletedNotReplaced() throws {
        let directory = try TemporaryDirectory(prefix: "slipway-init")
        try directory.write("go.mod", "module x\n")
        try directory.write(".gitignore", "node_modules")
        try directory.write("main.go", "os.Getenv(\"API_TOKEN\"); os.Getenv(\"GITHUB_TOKEN\")\n")
        try directory.write(".slipway/secrets.env", "API_TOKEN=kept")
        let starter = StarterConfig(app: AppDetection(root: directory.path).detect(), service: "api")
        let written = try StarterFiles.write(starter, in: directory.path, force: false)
        #expect(written.ignoredStateDirectory)
        #expect(try String(contentsOfFile: directory.path(".gitignore"), encoding: .utf8).hasPrefix("node_modules\n"))
        #expect(written.secretNames == ["GITHUB_TOKEN"])
        #expect(try String(contentsOfFile: directory.path(".slipway/secrets.env"), encoding: .utf8) == "API_TOKEN=kept\nGITHUB_TOKEN=\n")
        let mode = try FileManager.default.attributesOfItem(atPath: directory.path(".slipway/secrets.env"))[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let error = #expect(throws: SlipwayError.self) { try StarterFiles.write(starter, in: directory.path, force: false) }
        #expect(error?.message.contains("exists; `slipway init --force` replaces it") == true)
        let again = try StarterFiles.write(starter, in: directory.path, force: true)
        #expect(!again.ignoredStateDirectory, "already ignored: not added twice")
    }

    @Test func anInvalidServiceNameIsRefused() throws {
        let directory = try TemporaryDirectory(prefix: "slipway-init")
        let error = #expect(throws: SlipwayError.self) {
            try StarterFiles.write(StarterConfig(app: DetectedApp(kind: .go, evidence: "go.mod", run: "./server"), service: "My App"),
                                   in: directory.path, force: false)
        }
        #expect(error?.message.hasPrefix("invalid service name \"My App\"") == true)
    }
}
