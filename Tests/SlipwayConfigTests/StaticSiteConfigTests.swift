import SlipwayConfig
import SlipwayModel
import Testing

/// `static:` and `publish:` of a service (issue 17): a folder of files the proxy serves, and the
/// steps run after its switch.
@Suite struct StaticSiteConfigTests {
    @Test func staticSiteDecodesEveryField() throws {
        let yaml = """
        services:
          web-app:
            static:
              root: ./dist/
              entry: app/index.html
              spa: true
              headers:
                "/assets/*": { Cache-Control: "public, max-age=31536000, immutable", X-Frame-Options: DENY }
                "/*.html": { Cache-Control: no-cache }
                "/": { X-Robots-Tag: "noindex" }
              not_found: 404.html
              retain_assets: 30m
              precompress: false
            build: npm ci && npm run build
            paths: ["clients/web/**"]
            route: { host: app.example.com, path: / }
            env: { NODE_ENV: production }
            publish:
              - run: ./scripts/upload.sh
              - purge: { url: "https://api.cdn.example/purge", method: PURGE, headers: { Authorization: "Bearer ${CDN_TOKEN}", X-Zone: web } }
                timeout: 30s
              - run: ./scripts/notify.sh
                timeout: 1m
        """
        let config = try ConfigLoader.parse(yaml: yaml, file: "slipway.yml", environment: ["CDN_TOKEN": "cdn-secret-1"])
        let web = try #require(config.services.first)
        #expect(web.runtime == .staticSite)
        #expect(web.run == "")
        #expect(web.docker == nil)
        #expect(web.build == "npm ci && npm run build")
        #expect(web.paths == ["clients/web/**"])
        #expect(web.route == RouteConfig(host: "app.example.com", path: "/"))
        #expect(web.env == ["NODE_ENV": "production"])
        #expect(web.staticSite == StaticSiteConfig(
            root: "dist", entry: "app/index.html", spa: true,
            headers: [
                StaticHeaderRule(pattern: "/assets/*", fields: [
                    HeaderField(name: "Cache-Control", value: "public, max-age=31536000, immutable"),
                    HeaderField(name: "X-Frame-Options", value: "DENY"),
                ]),
                StaticHeaderRule(pattern: "/*.html", fields: [HeaderField(name: "Cache-Control", value: "no-cache")]),
                StaticHeaderRule(pattern: "/", fields: [HeaderField(name: "X-Robots-Tag", value: "noindex")]),
            ],
            notFound: "404.html", retainAssets: .seconds(1800), precompress: false))
        var purge = PublishStep(kind: .purge(url: "https://api.cdn.example/purge", method: "PURGE", headers: [
            HeaderField(name: "Authorization", value: "Bearer ${CDN_TOKEN}"),
            HeaderField(name: "X-Zone", value: "web"),
        ]), timeout: .seconds(30))
        purge.expanded = ["Bearer ${CDN_TOKEN}": "Bearer cdn-secret-1"]
        #expect(web.publish == [
            PublishStep(kind: .command("./scripts/upload.sh")),
            purge,
            PublishStep(kind: .command("./scripts/notify.sh"), timeout: .seconds(60)),
        ])
        // Kept as written where it is shown, sent expanded, and what it holds is a secret.
        #expect(web.publish[1].name == "purge PURGE https://api.cdn.example/purge")
        #expect(web.publish[1].sent("Bearer ${CDN_TOKEN}") == "Bearer cdn-secret-1")
        #expect(config.secrets == ["cdn-secret-1"])
        #expect(config.redactor.redact("401 for Bearer cdn-secret-1") == "401 for Bearer ******")
    }

    @Test func onlyTheRootIsRequired() throws {
        let yaml = """
        services:
          site:
            static: { root: public }
            publish:
              - purge: { url: "http://cdn.internal/purge" }
        """
        let site = try #require(try ConfigLoader.parse(yaml: yaml, file: "slipway.yml").services.first)
        #expect(site.staticSite == StaticSiteConfig(root: "public"))
        #expect(site.staticSite?.entry == "index.html")
        #expect(site.staticSite?.spa == false)
        #expect(site.staticSite?.headers == [])
        #expect(site.staticSite?.notFound == nil)
        #expect(site.staticSite?.retainAssets == .seconds(3600))
        #expect(site.staticSite?.precompress == true)
        #expect(site.publish == [PublishStep(kind: .purge(url: "http://cdn.internal/purge", method: "POST", headers: []),
                                             timeout: .seconds(300))])
        // Nothing from the process defaults is refused when left out.
        #expect(site.delivery == DeliveryConfig())
        #expect(site.retain == 5)
    }

    @Test func theReleaseItselfMayBeTheRoot() throws {
        let yaml = "services:\n  site:\n    static: { root: . }\n"
        let site = try #require(try ConfigLoader.parse(yaml: yaml, file: "slipway.yml").services.first)
        #expect(site.staticSite?.root == ".")
        #expect(site.staticSite?.site(releaseDirectory: "/srv/releases/site/r1").root == "/srv/releases/site/r1")
    }

    /// Values that change nothing for a static site are accepted: an environment may write them.
    @Test func neutralDeliveryValuesAndNoRetainedAssetsAreAccepted() throws {
        let yaml = """
        services:
          site:
            static: { root: dist, retain_assets: 0s }
            replicas: 1
            strategy: switch
            sticky: false
            retain: 1
        """
        let site = try #require(try ConfigLoader.parse(yaml: yaml, file: "slipway.yml").services.first)
        #expect(site.staticSite?.retainAssets == .zero)
        #expect(site.retain == 1)
        #expect(site.delivery == DeliveryConfig())
    }

    @Test func badStaticValuesAreReportedAtTheirKeys() {
        let yaml = """
        services:
          abs:
            static: { root: /var/www, entry: ../index.html, spa: yes please }
          up:
            route: { path: /up }
            static:
              root: dist/../..
              entry: pages/
              not_found: "."
              retain_assets: soon
              precompress: 1
              colour: blue
          none:
            route: { path: /none }
            static: { entry: index.html }
          flat:
            route: { path: /flat }
            static: dist
        """
        let file = "a file inside static.root like"
        #expect(issueLines(yaml) == [
            #"slipway.yml:3:15: services.abs.static.root: expected a folder inside the release like dist, got "/var/www": "#
                + "the path is relative to the release directory, not absolute",
            #"slipway.yml:3:31: services.abs.static.entry: expected \#(file) index.html, got "../index.html": "#
                + #"the path cannot lead out with "..""#,
            #"slipway.yml:3:53: services.abs.static.spa: expected true or false, got "yes please""#,
            #"slipway.yml:7:7: services.up.static.root: expected a folder inside the release like dist, got "dist/../..": "#
                + #"the path cannot lead out with "..""#,
            #"slipway.yml:8:7: services.up.static.entry: expected \#(file) index.html, got "pages/": a file, not a folder"#,
            #"slipway.yml:9:7: services.up.static.not_found: expected \#(file) 404.html, got ".": a file, not a folder"#,
            #"slipway.yml:10:7: services.up.static.retain_assets: expected a duration like 2s, got "soon""#,
            "slipway.yml:11:7: services.up.static.precompress: expected true or false, got 1",
            #"slipway.yml:12:7: services.up.static.colour: unknown key "colour"; expected one of: root, entry, spa, headers, "#
                + "not_found, retain_assets, precompress",
            #"slipway.yml:15:5: services.none.static: missing required key "root""#,
            #"slipway.yml:18:5: services.flat.static: expected a mapping like { root: dist }, got "dist""#,
        ])
    }

    @Test func badHeaderRulesAreReportedAtTheirKeys() {
        let yaml = """
        services:
          site:
            static:
              root: dist
              headers:
                "assets/*": { Cache-Control: no-cache }
                "/a b": { Cache-Control: no-cache }
                "/ok":
                  "X Frame": DENY
                  Content-Length: "10"
                  Cache-Control: no-cache
                  cache-control: no-store
                  X-Split: "a\\r\\nSet-Cookie: b=1"
                  X-Empty:
                "/list": [a]
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:6:9: services.site.static.headers.assets/*: expected a path pattern starting with "/" like "#
                + ##""/assets/*" (no spaces, "?" or "#"), got "assets/*""##,
            #"slipway.yml:7:9: services.site.static.headers./a b: expected a path pattern starting with "/" like "#
                + ##""/assets/*" (no spaces, "?" or "#"), got "/a b""##,
            #"slipway.yml:9:11: services.site.static.headers./ok.X Frame: invalid header name "X Frame": "#
                + "use letters, digits and !#$%&'*+-.^_`|~ (an HTTP token)",
            "slipway.yml:10:11: services.site.static.headers./ok.Content-Length: Content-Length is set by the proxy "
                + "for each response it serves; it cannot be set here",
            #"slipway.yml:12:11: services.site.static.headers./ok.cache-control: header "cache-control" is already set "#
                + #"here as "Cache-Control" (header names ignore case)"#,
            "slipway.yml:13:11: services.site.static.headers./ok.X-Split: a header value must be one line without control "
                + #"characters, got "a\r\nSet-Cookie: b=1""#,
            "slipway.yml:14:11: services.site.static.headers./ok.X-Empty: expected a header value, got nothing",
            "slipway.yml:15:9: services.site.static.headers./list: expected a mapping of header names to values like "
                + "{ Cache-Control: no-cache }, got a list",
        ])
    }

    @Test func keysOfAProcessAreRefusedBesideStatic() {
        let yaml = """
        services:
          site:
            static: { root: dist }
            run: npx serve dist
            runtime: process
            port: 8080
            image: { name: nginx }
            health: { path: /health }
            stop_timeout: 5s
            replicas: 2
            strategy: canary
            canary: { steps: [50, 100] }
            rolling: { max_surge: 1 }
            balance: round_robin
            sticky: { cookie: s }
        """
        #expect(issueLines(yaml) == [
            "slipway.yml:4:5: services.site.run: a static site has no process to run: build: makes its files and the proxy "
                + "serves them; remove run:",
            "slipway.yml:5:5: services.site.runtime: a service with static: is a static site, with no process nor container "
                + "(the proxy serves its files): remove runtime:",
            "slipway.yml:6:5: services.site.port: port applies only to runtime: docker; a static site has no container: "
                + "the proxy serves its files itself",
            "slipway.yml:7:5: services.site.image: image applies only to runtime: docker; a static site has no container: "
                + "the proxy serves its files itself",
            "slipway.yml:8:5: services.site.health: a static site has no process to probe: the proxy checks the site's files "
                + "instead (that its root holds static.entry); remove health:",
            "slipway.yml:9:5: services.site.stop_timeout: a static site has no process to stop; remove stop_timeout:",
            "slipway.yml:10:5: services.site.replicas: a static site has no process to replicate: the proxy serves its files; "
                + "replicas must be 1, got 2",
            "slipway.yml:11:5: services.site.strategy: a static site switches to its new files at once: strategy must be "
                + "switch, got canary",
            "slipway.yml:12:5: services.site.canary: canary replaces processes; a static site switches to its new files at "
                + "once (strategy: switch): remove canary:",
            "slipway.yml:13:5: services.site.rolling: rolling replaces processes; a static site switches to its new files at "
                + "once (strategy: switch): remove rolling:",
            "slipway.yml:14:5: services.site.balance: balance spreads requests over replicas; a static site has none, the "
                + "proxy serves its files",
            "slipway.yml:15:5: services.site.sticky: sticky keeps a client on one replica; a static site has none, the proxy "
                + "serves its files",
        ])
    }

    @Test func runtimeStaticPointsAtTheStaticBlock() {
        let yaml = "services:\n  site:\n    runtime: static\n    run: ./x\n"
        #expect(issueLines(yaml) == [
            #"slipway.yml:3:5: services.site.runtime: expected docker or process, got "static": static sites are "#
                + "declared with a static: block (static: { root: dist }) instead of runtime:",
        ])
    }

    @Test func publishNeedsAStaticSite() {
        let yaml = minimalServices + "    publish: [{ run: ./upload.sh }]\n"
        #expect(issueLines(yaml) == [
            "slipway.yml:4:5: services.web.publish: publish: is for static sites (a service with a static: block): its "
                + "steps upload or purge the site's files after the switch",
        ])
    }

    @Test func retainedAssetsNeedThePreviousRelease() {
        let yaml = """
        services:
          site:
            static: { root: dist }
            retain: 1
          kept:
            route: { path: /kept }
            static: { root: dist, retain_assets: 10m }
            retain: 1
        """
        let message = "retain must be at least 2 while static.retain_assets is more than 0s: the previous release's files "
            + "are still served for retain_assets after a switch, so its folder must be kept; got 1 (or write retain_assets: 0s)"
        #expect(issueLines(yaml) == [
            "slipway.yml:4:5: services.site.retain: " + message,
            "slipway.yml:8:5: services.kept.retain: " + message,
        ])
    }

    @Test func badPublishStepsAreReportedAtTheirKeys() {
        let yaml = """
        services:
          site:
            static: { root: dist }
            publish:
              - run: ./upload.sh
                purge: { url: "https://cdn.example/purge" }
              - timeout: 5m
              - run: ./upload.sh
                timeout: 0s
              - purge: { method: POST }
              - purge: { url: "ftp://cdn.example/purge", method: "PO ST", headers: { "Bad Name": x } }
              - purge: { url: "${PURGE_URL}" }
              - purge: { url: "https://cdn.example/${ZONE", headers: { Authorization: "Bearer ${MISSING}" } }
              - upload: s3
        """
        #expect(issueLines(yaml, environment: ["PURGE_URL": "https://cdn.example/purge"]) == [
            "slipway.yml:5:9: services.site.publish[0]: a publish step has either run: or purge:, not both",
            "slipway.yml:7:9: services.site.publish[1]: a publish step needs run: (a command) or purge: (an HTTP request)",
            "slipway.yml:9:9: services.site.publish[2].timeout: expected a duration longer than 0s, got \"0s\"",
            #"slipway.yml:10:9: services.site.publish[3].purge: missing required key "url""#,
            #"slipway.yml:11:18: services.site.publish[4].purge.url: expected an http:// or https:// url like "#
                + #"https://api.cdn.example/purge, got "ftp://cdn.example/purge""#,
            "slipway.yml:11:50: services.site.publish[4].purge.method: expected an HTTP method like POST or PURGE "
                + #"(letters, digits and !#$%&'*+-.^_`|~), got "PO ST""#,
            #"slipway.yml:11:78: services.site.publish[4].purge.headers.Bad Name: invalid header name "Bad Name": "#
                + "use letters, digits and !#$%&'*+-.^_`|~ (an HTTP token)",
            #"slipway.yml:12:18: services.site.publish[5].purge.url: expected an http:// or https:// url like "#
                + #"https://api.cdn.example/purge, got "${PURGE_URL}""#,
            #"slipway.yml:13:18: services.site.publish[6].purge.url: invalid variable reference "#
                + #""https://cdn.example/${ZONE"; write ${NAME}"#,
            "slipway.yml:13:64: services.site.publish[6].purge.headers.Authorization: environment variable MISSING is not "
                + "set (referenced as ${MISSING})",
            #"slipway.yml:14:9: services.site.publish[7].upload: unknown key "upload"; expected one of: run, purge, timeout"#,
            "slipway.yml:14:9: services.site.publish[7]: a publish step needs run: (a command) or purge: (an HTTP request)",
        ])
    }

    /// An environment's overlay reaches into `static:` key by key, as into any mapping of a service.
    @Test func anEnvironmentOverlaysTheStaticBlock() throws {
        let yaml = """
        services:
          site:
            static: { root: dist, spa: true, headers: { "/*": { X-Env: shared } } }
            publish: [{ run: ./upload.sh }]
        environments:
          staging:
            proxy: { listen: 127.0.0.1:8081 }
            services:
              site:
                static: { root: dist-staging, headers: { "/*": { X-Env: staging } } }
                publish: [{ purge: { url: "https://cdn.example/purge/${ZONE}" } }]
          production:
            proxy: { listen: 127.0.0.1:8082 }
            services:
              site: { static: { retain_assets: 2h, root: /srv } }

        """
        #expect(issueLines(yaml, environment: ["ZONE": "z1"]) == [
            #"slipway.yml:15:44: environments.production.services.site.static.root: expected a folder inside the release "#
                + #"like dist, got "/srv": the path is relative to the release directory, not absolute"#,
        ])
        let fixed = yaml.replacingOccurrences(of: ", root: /srv", with: "")
        let config = try ConfigLoader.parse(yaml: fixed, file: "slipway.yml", environment: ["ZONE": "z1"])
        let staging = try #require(config.service(ServiceKey(environment: "staging", service: "site")))
        #expect(staging.staticSite == StaticSiteConfig(
            root: "dist-staging", spa: true,
            headers: [StaticHeaderRule(pattern: "/*", fields: [HeaderField(name: "X-Env", value: "staging")])]))
        var purge = PublishStep(kind: .purge(url: "https://cdn.example/purge/${ZONE}", method: "POST", headers: []))
        purge.expanded = ["https://cdn.example/purge/${ZONE}": "https://cdn.example/purge/z1"]
        #expect(staging.publish == [purge])
        let production = try #require(config.service(ServiceKey(environment: "production", service: "site")))
        #expect(production.staticSite?.root == "dist")
        #expect(production.staticSite?.retainAssets == .seconds(7200))
        #expect(production.publish == [PublishStep(kind: .command("./upload.sh"))])
        #expect(config.secrets == ["z1"])
    }
}
