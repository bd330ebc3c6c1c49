import SlipwayCore
import SlipwayModel
import Testing

/// The controller's side of `slipway proxy pause|resume|maintenance|live`: the router gets the
/// change, the audit trail the caller, `status` the result.
@Suite struct TrafficControlTests {
    @Test func pauseAndMaintenanceAreAuditedAndShownInStatusUntilResumedAndLive() async throws {
        let h = Harness()
        #expect(try await h.deploy("v1").outcome == .succeeded)
        let paused = try await h.controller.changeTraffic(.pause, TrafficControlRequest(service: "web", holdMilliseconds: 2500, actor: "alice"))
        #expect(paused.control == TrafficControl(pausedHoldMilliseconds: 2500))
        _ = try await h.controller.changeTraffic(.maintenance, TrafficControlRequest(service: "web", message: " Back at 14:00 ", actor: "bob"))
        #expect(try await h.controller.status().services[0].traffic == TrafficControl(pausedHoldMilliseconds: 2500, maintenance: "Back at 14:00"))
        _ = try await h.controller.changeTraffic(.resume, TrafficControlRequest(service: "web", actor: "alice"))
        _ = try await h.controller.changeTraffic(.live, TrafficControlRequest(service: "web", actor: "bob"))
        #expect(try await h.controller.status().services[0].traffic == nil)
        // A deploy while paused switches as usual.
        _ = try await h.controller.changeTraffic(.pause, TrafficControlRequest(service: "web", actor: "alice"))
        #expect(try await h.deploy("v2").outcome == .succeeded)
        #expect(await h.router.control(of: Harness.web) == TrafficControl(pausedHoldMilliseconds: 10_000))

        let audit = await h.store.auditEntries
        #expect(audit.contains { $0.action == .proxyPaused && $0.actor == "alice" && $0.detail.contains("2.5s") })
        #expect(audit.contains { $0.action == .proxyMaintenance && $0.actor == "bob" && $0.detail.contains("Back at 14:00") })
        #expect(audit.contains { $0.action == .proxyResumed && $0.actor == "alice" })
        #expect(audit.contains { $0.action == .proxyLive && $0.actor == "bob" })
    }

    @Test func maintenanceNeedsAMessageAndAKnownService() async throws {
        let h = Harness()
        #expect(await refusal { try await h.controller.changeTraffic(.maintenance, TrafficControlRequest(service: "web", message: "  ")) }?
            .code == .badRequest)
        #expect(await refusal { try await h.controller.changeTraffic(.pause, TrafficControlRequest(service: "nope")) }?.code == .unknownService)
        #expect(await refusal { try await h.controller.changeTraffic(.pause, TrafficControlRequest(service: "web", holdMilliseconds: 0)) }?
            .code == .badRequest)
        #expect(await h.store.auditEntries.isEmpty)
    }
}
