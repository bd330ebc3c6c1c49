import SlipwayConfig
import SlipwayModel
import Testing

/// `runtime: docker` and its keys: `image`, `port`, `volumes`, and `run` as an optional override.
@Suite struct DockerConfigTests {
    @Test func dockerServiceDecodesEveryField() throws {
        let yaml = """
        services:
          api:
            runtime: docker
            image:
              dockerfile: services/api/Dockerfile
              args: { SWIFT_VERSION: "6.3", DEBUG: false }
            port: 8080
            volumes: ["api-data:/var/lib/api", "/srv/uploads:/uploads:ro", "/srv/cache:/cache:rw"]
            run: ./api --serve
            env: { LOG_LEVEL: info }
        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "slipway.yml")
        let api = try #require(config.services.first)
        #expect(api.runtime == .docker)
        #expect(api.run == "./api --serve")
        #expect(api.env == ["LOG_LEVEL": "info"])
        #expect(api.docker == DockerServiceConfig(
            image: .dockerfile("services/api/Dockerfile"),
            args: ["SWIFT_VERSION": "6.3", "DEBUG": "false"],
            port: 8080,
            volumes: [
                DockerVolume(source: "api-data", target: "/var/lib/api"),
                DockerVolume(source: "/srv/uploads", target: "/uploads", readOnly: true),
                DockerVolume(source: "/srv/cache", target: "/cache", readOnly: false),
            ]))
        #expect(api.docker?.dockerfile == "services/api/Dockerfile")
        #expect(api.docker?.name == nil)
    }

    @Test func pulledImageNeedsNoRunAndKeepsItsCommand() throws {
        let yaml = """
        services:
          api:
            runtime: docker
            image: { name: "registry.example:5000/team/api" }
            port: 3000
        """
        let api = try #require(try ConfigLoader.parse(yaml: yaml, file: "slipway.yml").services.first)
        #expect(api.run == "")
        #expect(api.docker == DockerServiceConfig(image: .name("registry.example:5000/team/api"), port: 3000))
        #expect(api.docker?.name == "registry.example:5000/team/api")
        #expect(api.docker?.volumes == [])
    }

    @Test(arguments: [
        "api", "team/api:v1.4.0", "localhost:5000/api", "registry.example/a__b/c-d.e:latest",
        "ghcr.io/org/api@sha256:" + String(repeating: "ab", count: 32),
    ])
    func imageNamesAsDockerReadsThemAreAccepted(name: String) throws {
        let yaml = "services:\n  api:\n    runtime: docker\n    image: { name: \"\(name)\" }\n    port: 80\n"
        let api = try #require(try ConfigLoader.parse(yaml: yaml, file: "slipway.yml").services.first)
        #expect(api.docker?.image == .name(name))
        #expect(ImageReference(parsing: name)?.description == name)
    }

    @Test func imageReferenceSplitsRegistryPortFromTag() throws {
        let reference = try #require(ImageReference(parsing: "registry.example:5000/team/api:1.4"))
        #expect(reference == ImageReference(repository: "registry.example:5000/team/api", tag: "1.4"))
        #expect(ImageReference(parsing: "registry.example:5000/team/api")?.tag == nil)
        #expect(ImageReference(parsing: "api:") == nil)
        #expect(ImageReference(parsing: "api:-x") == nil)
        #expect(ImageReference(parsing: "a..b") == nil)
        #expect(ImageReference(parsing: "api@sha256:xyz") == nil)
    }

    @Test func runtimeDefaultsToProcess() throws {
        let config = try ConfigLoader.parse(yaml: minimalServices, file: "slipway.yml")
        #expect(config.services.first?.runtime == .process)
        #expect(config.services.first?.docker == nil)
        let explicit = try ConfigLoader.parse(yaml: "services:\n  web:\n    runtime: process\n    run: ./web\n",
                                              file: "slipway.yml")
        #expect(explicit.services == [ServiceConfig(name: "web", run: "./web")])
    }

    @Test func processStillNeedsRun() {
        #expect(issueLines("services:\n  web:\n    runtime: process\n") == [
            #"slipway.yml:2:3: services.web: missing required key "run""#,
        ])
    }

    @Test func dockerNeedsImageAndPort() {
        #expect(issueLines("services:\n  api:\n    runtime: docker\n") == [
            #"slipway.yml:2:3: services.api: missing required key "image""#,
            #"slipway.yml:2:3: services.api: missing required key "port""#,
        ])
    }

    @Test func unknownRuntimeDemandsNeitherRunNorImage() {
        let yaml = """
        services:
          api:
            runtime: kubernetes
          web:
            runtime: [docker]
            route: { path: /web }
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:3:5: services.api.runtime: expected docker or process, got "kubernetes""#,
            "slipway.yml:5:5: services.web.runtime: expected docker or process, got a list",
        ])
    }

    @Test func imageIsExactlyOneOfDockerfileAndName() {
        let yaml = """
        services:
          both:
            runtime: docker
            image:
              dockerfile: Dockerfile
              name: api
            port: 8080
          neither:
            runtime: docker
            image:
              args: { A: 1 }
            port: 8080
            route: { path: /neither }
          pulled:
            runtime: docker
            image:
              name: api:v1
              args: { A: 1 }
              tag: v1
            port: 8080
            route: { path: /pulled }
          text:
            runtime: docker
            image: api:v1
            port: 8080
            route: { path: /text }
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:6:7: services.both.image.name: expected either dockerfile or name, not both"#,
            #"slipway.yml:10:5: services.neither.image: expected dockerfile: (built from the release) or name: (an image built elsewhere)"#,
            #"slipway.yml:18:7: services.pulled.image.args: args apply only to an image built from a dockerfile"#,
            #"slipway.yml:19:7: services.pulled.image.tag: unknown key "tag"; expected one of: dockerfile, name, args, context"#,
            #"slipway.yml:24:5: services.text.image: expected a mapping with dockerfile: or name:, got "api:v1""#,
        ])
    }

    @Test func badImageNamesAndDockerfilePaths() {
        let yaml = """
        services:
          a:
            runtime: docker
            image: { name: "https://registry.example/api" }
            port: 8080
          b:
            runtime: docker
            image: { name: Registry.Example/API }
            port: 8080
            route: { path: /b }
          c:
            runtime: docker
            image: { dockerfile: /etc/Dockerfile }
            port: 8080
            route: { path: /c }
          d:
            runtime: docker
            image: { dockerfile: ../Dockerfile }
            port: 8080
            route: { path: /d }
          e:
            runtime: docker
            image: { dockerfile: "" }
            port: 8080
            route: { path: /e }
        """
        let expected = "an image name like registry.example/api or registry.example/api:1.4 (lowercase, no scheme)"
        let path = "a path inside the release directory like services/api/Dockerfile"
        #expect(issueLines(yaml) == [
            #"slipway.yml:4:14: services.a.image.name: expected \#(expected), got "https://registry.example/api""#,
            #"slipway.yml:8:14: services.b.image.name: expected \#(expected), got "Registry.Example/API""#,
            #"slipway.yml:13:14: services.c.image.dockerfile: expected \#(path), got "/etc/Dockerfile""#,
            #"slipway.yml:18:14: services.d.image.dockerfile: expected \#(path), got "../Dockerfile""#,
            #"slipway.yml:23:14: services.e.image.dockerfile: expected \#(path), got """#,
        ])
    }

    @Test func badBuildArgumentNames() {
        let yaml = """
        services:
          api:
            runtime: docker
            image:
              dockerfile: Dockerfile
              args: { SWIFT-VERSION: "6.3", OK: [1] }
            port: 8080
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:6:15: services.api.image.args.SWIFT-VERSION: invalid build argument name "SWIFT-VERSION": use letters, digits and "_", not starting with a digit"#,
            "slipway.yml:6:37: services.api.image.args.OK: expected a string, number or boolean, got a list",
        ])
    }

    @Test func portIsAnIntegerFrom1To65535() {
        func service(_ port: String) -> String {
            "services:\n  api:\n    runtime: docker\n    image: { name: api }\n    port: \(port)\n"
        }
        let message = "slipway.yml:5:5: services.api.port: expected a port from 1 to 65535, got"
        #expect(issueLines(service("0")) == ["\(message) 0"])
        #expect(issueLines(service("70000")) == ["\(message) 70000"])
        #expect(issueLines(service("\"8080\"")) == [#"\#(message) "8080""#])
        #expect(issueLines(service("http")) == [#"\#(message) "http""#])
    }

    @Test func volumeEntriesAreCheckedOneByOne() {
        let yaml = """
        services:
          api:
            runtime: docker
            image: { name: api }
            port: 8080
            volumes:
              - ./data:/data
              - data
              - data:relative
              - /srv/a:/a:rx
              - x:/x
              - { name: data }
              - ok-data:/var/lib/api
              - /srv/other:/var/lib/api:ro
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:7:9: services.api.volumes[0]: a host path must be absolute (like /srv/api/data), got "./data:/data""#,
            #"slipway.yml:8:9: services.api.volumes[1]: expected "name:/path" or "/host/path:/path", optionally ending :ro or :rw, got "data""#,
            #"slipway.yml:9:9: services.api.volumes[2]: the path in the container must be absolute and not /, got "data:relative""#,
            #"slipway.yml:10:9: services.api.volumes[3]: expected ro or rw after the container path, got "rx""#,
            #"slipway.yml:11:9: services.api.volumes[4]: invalid volume name in "x:/x": use letters, digits, "_", "." and "-", at least two characters, starting with a letter or digit"#,
            #"slipway.yml:12:9: services.api.volumes[5]: expected "name:/path" or "/host/path:/path", optionally ending :ro or :rw, got a mapping"#,
            #"slipway.yml:14:9: services.api.volumes[7]: "/var/lib/api" is already mounted by volumes[6]"#,
        ])
    }

    @Test func volumesMustBeAList() {
        let yaml = "services:\n  api:\n    runtime: docker\n    image: { name: api }\n    port: 8080\n    volumes: data:/data\n"
        #expect(issueLines(yaml) == [
            #"slipway.yml:6:5: services.api.volumes: expected a list like ["api-data:/var/lib/api"], got "data:/data""#,
        ])
    }

    @Test func containerKeysOnAProcessServiceAreErrors() {
        let yaml = """
        services:
          web:
            run: python3 app.py
            image: { name: api }
            port: 8080
            volumes: []
        """
        #expect(issueLines(yaml) == [
            "slipway.yml:4:5: services.web.image: image applies only to runtime: docker (add runtime: docker)",
            "slipway.yml:5:5: services.web.port: port applies only to runtime: docker; a process is given its port in $PORT",
            "slipway.yml:6:5: services.web.volumes: volumes applies only to runtime: docker (add runtime: docker)",
        ])
    }

    @Test func misspelledDockerKeysGetSuggestions() {
        let yaml = "services:\n  api:\n    runtime: docker\n    image: { name: api }\n    ports: 8080\n"
        #expect(issueLines(yaml) == [
            #"slipway.yml:2:3: services.api: missing required key "port""#,
            #"slipway.yml:5:5: services.api.ports: unknown key "ports"; did you mean "port"?"#,
        ])
    }
}
