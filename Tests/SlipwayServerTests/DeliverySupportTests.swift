import Logging
import SlipwayModel
import Testing
@testable import SlipwayServer

/// Until the controller carries it out, `serve` refuses the rolling strategy rather than running
/// such a service with another one.
@Suite struct DeliverySupportTests {
    static func config(_ services: [ServiceConfig]) -> ProjectConfig {
        ProjectConfig(file: "/srv/app/slipway.yml", proxy: ProxyConfig(), services: services)
    }

    static func service(_ name: String, _ delivery: DeliveryConfig) -> ServiceConfig {
        var service = ServiceConfig(name: name, run: "./\(name)")
        service.delivery = delivery
        return service
    }

    @Test func theDefaultsAndUnchosenBlocksAreServed() {
        let canaryBlock = DeliveryConfig(balance: .roundRobin, canary: CanaryConfig(steps: [100]))
        let canary = DeliveryConfig(sticky: StickyConfig(cookie: "s"), strategy: .canary)
        #expect(DeliverySupport.refusal(for: Self.config([Self.service("web", DeliveryConfig()),
                                                          Self.service("api", canaryBlock),
                                                          Self.service("shop", canary)])) == nil)
    }

    @Test func serveRefusesWhatItDoesNotCarryOut() async {
        let config = Self.config([
            Self.service("web", DeliveryConfig(replicas: 3, sticky: StickyConfig(cookie: "s"), strategy: .canary)),
            Self.service("api", DeliveryConfig()),
            Self.service("worker", DeliveryConfig(strategy: .rolling)),
        ])
        let expected = SlipwayError(.configInvalid, "the rolling strategy is checked "
                                    + "but not carried out yet: worker (strategy: rolling); until it is, a service uses "
                                    + "strategy: switch, recreate, canary or blue_green",
                                    context: ErrorContext(file: "/srv/app/slipway.yml"))
        #expect(DeliverySupport.refusal(for: config) == expected)
        // Before anything is created or started.
        await #expect(throws: expected) {
            try await Daemon(config: config, logger: Logger(label: "test")).run(handleSignals: false)
        }
    }
}
