import SlipwayConfig
import Testing

/// Every problem with `environments:` named by file, line, column and key path.
@Suite struct EnvironmentErrorTests {
    static let branchRule = #"a git branch name: no spaces, control characters, "..", "~", "^", ":", "?", "*", "[", "\\" "#
        + #"or "@{", not starting with "-" or ".", not ending with "/", "." or ".lock""#

    @Test func namesFollowTheServiceRulesAndDefaultIsReserved() {
        let yaml = minimalServices + """
        environments:
          Staging:
            proxy: { listen: 127.0.0.1:8081 }
          default:
            proxy: { listen: 127.0.0.1:8082 }

        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:5:3: environments.Staging: invalid environment name "Staging": use lowercase letters, digits, "-" and "_", starting with a letter or digit"#,
            #"slipway.yml:7:3: environments.default: "default" is reserved for the environment of a file without environments:; give this one a name of its own, like staging or production"#,
        ])
    }

    @Test(arguments: ["environments: {}", "environments:"])
    func emptyEnvironmentsAreRefused(_ written: String) {
        #expect(issueLines(minimalServices + written + "\n") == [
            "slipway.yml:4:1: environments: expected at least one environment (without environments:, every service runs in one)",
        ])
    }

    /// The same address, a wildcard over an address, and the top-level listener an environment
    /// without its own takes; port 0 (a free port each time) never collides.
    @Test func twoEnvironmentsOnOneListenerAreRefused() {
        let yaml = minimalServices + """
        proxy: { listen: 127.0.0.1:8090 }
        environments:
          staging:
            proxy: { listen: 127.0.0.1:8081 }
          qa:
            proxy: { listen: 127.0.0.1:8081 }
          preview:
            proxy: { listen: 0.0.0.0:8090 }
          production: {}
          review:
            proxy: { listen: 127.0.0.1:0 }
          demo:
            proxy: { listen: 127.0.0.1:0 }

        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:9:14: environments.qa.proxy.listen: environments "staging" and "qa" both listen on 127.0.0.1:8081; give each its own proxy.listen"#,
            #"slipway.yml:12:3: environments.production: environments "preview" (0.0.0.0:8090) and "production" (127.0.0.1:8090) listen on the same port; give each its own proxy.listen (an environment without one listens where the top-level proxy.listen says)"#,
        ])
    }

    @Test func promoteFromNamesAnotherEnvironment() {
        let yaml = minimalServices + """
        environments:
          staging:
            proxy: { listen: 127.0.0.1:8081 }
            promote_from: staging
          production:
            proxy: { listen: 127.0.0.1:8082 }
            promote_from: stagng

        """
        #expect(issueLines(yaml) == [
            "slipway.yml:7:5: environments.staging.promote_from: an environment cannot promote from itself; name the environment its releases come from",
            #"slipway.yml:10:5: environments.production.promote_from: no environment named "stagng" (environments: staging, production)"#,
        ])
    }

    @Test func promotionCycleIsReportedOnceAtTheFirstEnvironmentOnIt() {
        let yaml = minimalServices + """
        environments:
          a:
            proxy: { listen: 127.0.0.1:8081 }
            promote_from: c
          b:
            proxy: { listen: 127.0.0.1:8082 }
            promote_from: a
          c:
            proxy: { listen: 127.0.0.1:8083 }
            promote_from: b

        """
        #expect(issueLines(yaml) == [
            "slipway.yml:7:5: environments.a.promote_from: promote_from forms a cycle: a → c → b → a; a release must first succeed somewhere that is not promoted into",
        ])
    }

    @Test func approvalsAndHotfixCountsAreChecked() {
        let yaml = minimalServices + """
        environments:
          staging:
            proxy: { listen: 127.0.0.1:8081 }
            approvals: 0
            hotfix: { approvals: -1 }
          production:
            proxy: { listen: 127.0.0.1:8082 }
            approvals: { required: 3, from: [bob, carol] }
          qa:
            proxy: { listen: 127.0.0.1:8083 }
            approvals: { required: 1, from: [] }
          preview:
            proxy: { listen: 127.0.0.1:8084 }
            approvals: { from: [bob, bob] }

        """
        #expect(issueLines(yaml) == [
            "slipway.yml:7:5: environments.staging.approvals: expected a number of approvals >= 1 or { required: 2, from: [bob, carol] }, got 0",
            "slipway.yml:8:15: environments.staging.hotfix.approvals: expected a number of approvals >= 0, got -1",
            "slipway.yml:11:18: environments.production.approvals.required: 3 approvals required, but from: names only 2 approver(s); lower required or name more approvers",
            "slipway.yml:14:31: environments.qa.approvals.from: expected at least one approver, got an empty list",
            #"slipway.yml:17:5: environments.preview.approvals: missing required key "required""#,
            #"slipway.yml:17:30: environments.preview.approvals.from[1]: approver "bob" is listed twice"#,
        ])
    }

    @Test func durationsAndUnknownKeysWithSuggestions() {
        let yaml = minimalServices + """
        environments:
          staging:
            proxy: { listen: 127.0.0.1:8081 }
            wait_timer: 0s
            approval_timeout: 0s
            rollback_window: soon
            promote_form: production
            tags: { policy: semver, allow_prerelase: true }
          production:
            proxy: { listen: 127.0.0.1:8082, idle_timout: 5s }
            tags: calver

        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:8:5: environments.staging.approval_timeout: expected a duration longer than 0s, got "0s""#,
            #"slipway.yml:9:5: environments.staging.rollback_window: expected a duration like 2s, got "soon""#,
            #"slipway.yml:10:5: environments.staging.promote_form: unknown key "promote_form"; did you mean "promote_from"?"#,
            #"slipway.yml:11:29: environments.staging.tags.allow_prerelase: unknown key "allow_prerelase"; did you mean "allow_prerelease"?"#,
            #"slipway.yml:13:38: environments.production.proxy.idle_timout: unknown key "idle_timout"; did you mean "idle_timeout"?"#,
            #"slipway.yml:14:5: environments.production.tags: expected semver or { policy: semver, allow_prerelease: true }, got "calver""#,
        ])
    }

    @Test func overlaysNameDeclaredServicesAndKeepTheirNamesAndBranchesAreGitNames() {
        let yaml = minimalServices + """
          api:
            run: ./api
            route: { path: /api }
        environments:
          staging:
            proxy: { listen: 127.0.0.1:8081 }
            branch: feature branch
            services:
              wbe: { env: { A: b } }
              web: { name: www, retian: 3 }
          production:
            proxy: { listen: 127.0.0.1:8082 }
            branch: "-rf"
          qa:
            proxy: { listen: 127.0.0.1:8083 }
            branch: release..1

        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:10:5: environments.staging.branch: expected \#(Self.branchRule), got "feature branch""#,
            #"slipway.yml:12:7: environments.staging.services.wbe: no service named "wbe" under services: (services: web, api)"#,
            "slipway.yml:13:14: environments.staging.services.web.name: a service's name is its key under services:; an environment cannot change it",
            #"slipway.yml:13:25: environments.staging.services.web.retian: unknown key "retian"; did you mean "retain"?"#,
            #"slipway.yml:16:5: environments.production.branch: expected \#(Self.branchRule), got "-rf""#,
            #"slipway.yml:19:5: environments.qa.branch: expected \#(Self.branchRule), got "release..1""#,
        ])
    }

    /// An issue in an overlay points at the overlay's own line and path; one in the service's own
    /// settings is reported once, not once per environment.
    @Test func overlayIssuesPointAtTheOverlayAndSharedOnesAreReportedOnce() {
        let yaml = """
        services:
          web:
            run: python3 app.py
            health: { timeout: two }
        environments:
          staging:
            proxy: { listen: 127.0.0.1:8081 }
            services:
              web:
                health: { interval: fast }
                env: { 1BAD: x }
          production:
            proxy: { listen: 127.0.0.1:8082 }
            env: { APP_ENV: [a, b] }

        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:4:15: services.web.health.timeout: expected a duration like 2s, got "two""#,
            #"slipway.yml:10:19: environments.staging.services.web.health.interval: expected a duration like 2s, got "fast""#,
            #"slipway.yml:11:16: environments.staging.services.web.env.1BAD: invalid environment variable name "1BAD": use letters, digits and "_", not starting with a digit"#,
            "slipway.yml:14:12: environments.production.env.APP_ENV: expected a string, number or boolean, got a list",
        ])
    }

    /// Each environment has its own listener: the same route in two is fine, two services on one
    /// route in one environment are not.
    @Test func routeConflictsArePerEnvironment() {
        let yaml = """
        services:
          web:
            run: ./web
          api:
            run: ./api
            route: { path: /api }
        environments:
          staging:
            proxy: { listen: 127.0.0.1:8081 }
            services:
              api: { route: { path: / } }
          production:
            proxy: { listen: 127.0.0.1:8082 }

        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:11:23: environments.staging.services.api.route.path: services "web" and "api" both route path "/" on any host; give one a different route.path or route.host"#,
        ])
    }
}
