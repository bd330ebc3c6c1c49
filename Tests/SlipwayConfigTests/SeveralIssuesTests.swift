import Testing

@Suite struct SeveralIssuesTests {
    /// One pass shows everything to fix, top to bottom, however the decoder happened to find them.
    @Test func everyIssueIsReportedInFileOrder() {
        let yaml = """
        proxy:
          listen: nowhere
          hsts: true
        services:
          web:
            run: python3 app.py
            health:
              timeout: two
              healthy_threshold: 0
          api:
            route: { path: / }
            retain: many
        databases:
          hr:
            url: ${HR_DATABASE_URL}
            migrations: m
            backup: { keep: 0 }
        """
        #expect(issueLines(yaml) == [
            #"slipway.yml:2:3: proxy.listen: expected host:port like 127.0.0.1:8080 or [::1]:8080, got "nowhere""#,
            #"slipway.yml:3:3: proxy.hsts: unknown key "hsts"; expected one of: listen, idle_timeout, tls"#,
            #"slipway.yml:8:7: services.web.health.timeout: expected a duration like 2s, got "two""#,
            "slipway.yml:9:7: services.web.health.healthy_threshold: expected an integer >= 1, got 0",
            #"slipway.yml:10:3: services.api: missing required key "run""#,
            #"slipway.yml:11:14: services.api.route.path: services "web" and "api" both route path "/" on any host; give one a different route.path or route.host"#,
            #"slipway.yml:12:5: services.api.retain: expected an integer >= 1, got "many""#,
            "slipway.yml:15:5: databases.hr.url: environment variable HR_DATABASE_URL is not set (referenced as ${HR_DATABASE_URL})",
            "slipway.yml:17:15: databases.hr.backup.keep: expected an integer >= 1 (or null for no limit), got 0",
        ])
    }
}
