import Foundation
@testable import SlipwayConfig
import SlipwayModel
import Testing

/// The table of keys (`ConfigSchema`) is what the decoders accept, what `slipway schema` prints and
/// what docs/CONFIG.md says: none of the three can drift from the others.
@Suite struct ConfigSchemaTests {
    /// Each decoder's key list, and the definition of the printed schema that must have exactly those properties.
    static let decoderKeys: [(definition: String, keys: [String])] = [
        ("project", ProjectDecoder.keys), ("proxy", ProxyDecoder.keys), ("proxyTLS", ProxyTLSDecoder.keys),
        ("acme", ACMEDecoder.keys), ("service", ServiceDecoder.keys), ("route", RouteDecoder.keys),
        ("health", HealthCheckDecoder.keys), ("expect", HealthCheckDecoder.expectKeys), ("image", ServiceDecoder.imageKeys),
        ("static", ServiceDecoder.staticKeys), ("publishStep", ServiceDecoder.publishKeys), ("purge", ServiceDecoder.purgeKeys),
        ("check", ServiceDecoder.checkKeys), ("coverage", ServiceDecoder.coverageKeys), ("smoke", ServiceDecoder.smokeKeys),
        ("smokeHTTP", ServiceDecoder.smokeHTTPKeys), ("sticky", ServiceDecoder.stickyKeys),
        ("recreate", ServiceDecoder.recreateKeys), ("rolling", ServiceDecoder.rollingKeys),
        ("blueGreen", ServiceDecoder.blueGreenKeys), ("preview", ServiceDecoder.previewKeys), ("canary", CanaryDecoder.keys),
        ("analysis", CanaryDecoder.analysisKeys), ("errorRate", CanaryDecoder.errorRateKeys),
        ("latency", CanaryDecoder.latencyKeys), ("slo", CanaryDecoder.sloKeys), ("environment", EnvironmentDecoder.keys),
        ("tags", EnvironmentDecoder.tagKeys), ("approvals", EnvironmentDecoder.approvalKeys),
        ("hotfix", EnvironmentDecoder.hotfixKeys), ("database", DatabaseDecoder.keys), ("backup", DatabaseDecoder.backupKeys),
        ("notifyChannel", NotifyDecoder.entryKeys), ("slack", NotifyDecoder.slackKeys),
        ("telegram", NotifyDecoder.telegramKeys), ("webhook", NotifyDecoder.webhookKeys),
        // Written inline in their decoders, from the table too.
        ("certificateFiles", ConfigSchema.certificateFiles.keyNames), ("api", ConfigSchema.api.keyNames),
        ("apiTLSFiles", ConfigSchema.apiTLSFiles.keyNames), ("github", ConfigSchema.github.keyNames),
    ]

    static func printedSchema() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(JSONSchemaWriter.text().utf8))
        return try #require(object as? [String: Any])
    }

    @Test func everyDecodersKeysAreExactlyThePropertiesOfItsDefinition() throws {
        let schema = try Self.printedSchema()
        let definitions = try #require(schema["$defs"] as? [String: Any])
        for (name, keys) in Self.decoderKeys {
            let definition = name == "project" ? schema : definitions[name] as? [String: Any]
            let properties = try #require(definition?["properties"] as? [String: Any], "no definition \(name)")
            #expect(Set(properties.keys) == Set(keys), "\(name)")
            #expect(keys.count == Set(keys).count, "\(name) lists a key twice")
            #expect(definition?["additionalProperties"] as? Bool == false, "\(name)")
        }
        // Every mapping of the table is some decoder's, and each has its definition.
        #expect(Set(Self.decoderKeys.map(\.definition)) == Set(ConfigSchema.all.map(\.id)))
    }

    @Test func requiredKeysInTheSchemaAreTheTablesAndOverlaysRequireNone() throws {
        let definitions = try #require(try Self.printedSchema()["$defs"] as? [String: Any])
        for mapping in ConfigSchema.all where mapping.id != "project" {
            let definition = try #require(definitions[mapping.id] as? [String: Any], "\(mapping.id)")
            #expect(Set(definition["required"] as? [String] ?? []) == Set(mapping.requiredKeys), "\(mapping.id)")
        }
        let overlay = try #require(definitions["serviceOverlay"] as? [String: Any])
        #expect(overlay["required"] == nil && overlay["allOf"] == nil)
    }

    @Test func subsetsTheDecodersNameAreKeysOfTheirMapping() {
        #expect(Set(ServiceDecoder.dockerKeys).isSubset(of: ServiceDecoder.keys))
        #expect(Set(NotifyDecoder.channelKeys).isSubset(of: NotifyDecoder.entryKeys))
    }

    /// Every written default is the value the model takes when the key is left out.
    @Test func defaultsAreWhatTheDecoderGivesAKeyLeftOut() throws {
        let config = try ConfigLoader.parse(yaml: """
            services:
              web: { run: ./web }
            databases:
              main: { url: "sqlite:app.db", migrations: db }
            """, file: "slipway.yml")
        let web = try #require(config.service(named: "web"))
        let database = try #require(config.databases.first)
        func duration(_ mapping: MappingSchema, _ key: String) -> Duration? {
            guard case .value(let text)? = mapping[key]?.defaultValue else { return nil }
            return DurationParser.parse(text)
        }
        func integer(_ mapping: MappingSchema, _ key: String) -> Int? {
            guard case .value(let text)? = mapping[key]?.defaultValue else { return nil }
            return Int(text)
        }
        let service = ConfigSchema.service, health = ConfigSchema.health
        #expect(duration(service, "build_timeout") == web.buildTimeout)
        #expect(duration(service, "drain_timeout") == web.drainTimeout)
        #expect(duration(service, "stop_timeout") == web.stopTimeout)
        #expect(duration(service, "watch") == web.watch)
        #expect(integer(service, "retain") == web.retain)
        #expect(integer(service, "replicas") == web.delivery.replicas)
        #expect(service["balance"].map { "\($0.defaultValue!)" } == "value(\"\(web.delivery.balance.rawValue)\")")
        #expect(service["strategy"].map { "\($0.defaultValue!)" } == "value(\"\(web.delivery.strategy.rawValue)\")")
        #expect(duration(health, "interval") == web.health.interval)
        #expect(duration(health, "timeout") == web.health.timeout)
        #expect(duration(health, "start_timeout") == web.health.startTimeout)
        #expect(integer(health, "healthy_threshold") == web.health.healthyThreshold)
        #expect(integer(health, "unhealthy_threshold") == web.health.unhealthyThreshold)
        #expect(integer(ConfigSchema.expect, "status") == web.health.expect.status)
        #expect(duration(ConfigSchema.recreate, "hold_requests") == web.delivery.recreate.holdRequests)
        #expect(integer(ConfigSchema.rolling, "max_surge") == web.delivery.rolling.maxSurge)
        #expect(integer(ConfigSchema.rolling, "max_unavailable") == web.delivery.rolling.maxUnavailable)
        #expect(duration(ConfigSchema.canary, "interval") == web.delivery.canary.interval)
        #expect(integer(ConfigSchema.analysis, "min_requests") == web.delivery.canary.analysis.minRequests)
        #expect(duration(ConfigSchema.proxy, "idle_timeout") == config.proxy.idleTimeout)
        #expect(duration(ConfigSchema.database, "lock_timeout") == database.lockTimeout)
        #expect(duration(ConfigSchema.database, "backup_timeout") == database.backupTimeout)
        #expect(duration(ConfigSchema.database, "migrate_timeout") == database.migrateTimeout)
        #expect(integer(ConfigSchema.backup, "keep") == database.backup.keep)
        #expect(duration(ConfigSchema.acme, "renew_before") == ACMEConfig.defaultRenewBefore)
        #expect(duration(ConfigSchema.staticSite, "retain_assets") == StaticSiteConfig().retainAssets)
    }

    @Test func schemaIsDraft202012AndTheSameTextEachTime() throws {
        let schema = try Self.printedSchema()
        #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect(schema["$id"] as? String == JSONSchemaWriter.schemaID)
        #expect(JSONSchemaWriter.text() == JSONSchemaWriter.text())
    }

    @Test func durationPatternAcceptsWhatTheParserReads() throws {
        let pattern = try Regex("^" + ConfigSchema.durationPattern + "$")
        for text in ["30s", "1m30s", "250ms", "1.5h", "30d", "0s", "2h45m10.5s", "10", "10 s", "1x", "s", "-1s", "1.s", "1mss", ""] {
            #expect((text.wholeMatch(of: pattern) != nil) == (DurationParser.parse(text) != nil), "\(text)")
        }
    }

    @Test func configReferenceIsCurrent() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let committed = try? String(contentsOf: root.appendingPathComponent("docs/CONFIG.md"), encoding: .utf8)
        #expect(committed == ConfigReference.markdown(),
                "docs/CONFIG.md is stale: run \(ConfigReference.regenerate) and commit it")
    }
}
