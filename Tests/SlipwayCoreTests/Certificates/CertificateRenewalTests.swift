import Foundation
import SlipwayCore
import SlipwayTestSupport
import Testing

/// The renewer's rules, driven by a manual clock: no CA, no files, milliseconds.
struct CertificateRenewalTests {
    let clock = ManualClock()
    let day: Duration = .seconds(86_400)

    private func validity(from start: Date, days: Int) -> CertificateRenewal.Validity {
        .init(notBefore: start, notAfter: start.addingTimeInterval(Double(days) * 86_400))
    }

    @Test func aHostWithoutACertificateIsOrderedAtOnceAndOnlyOnceWhileItsOrderRuns() {
        var machine = CertificateRenewal(hosts: ["a.test", "b.test"], certificates: [:], renewBefore: day * 30)
        #expect(machine.handle(.tick(now: clock.date)) == [
            .order(host: "a.test", reason: .noCertificate), .order(host: "b.test", reason: .noCertificate),
        ])
        #expect(machine.isOrdering("a.test"))
        clock.advance(by: .seconds(5))
        #expect(machine.handle(.tick(now: clock.date)).isEmpty, "no second order while one runs")
        #expect(machine.nextLook() == nil)
    }

    @Test func aCertificateIsRenewedWhenItEntersTheWindowAndNotBefore() {
        let issued = validity(from: clock.date, days: 90)
        var machine = CertificateRenewal(hosts: ["a.test"], certificates: ["a.test": issued], renewBefore: day * 30)
        #expect(machine.handle(.tick(now: clock.date)).isEmpty)
        let due = issued.notAfter.addingTimeInterval(-30 * 86_400)
        #expect(machine.nextLook() == due)
        clock.advance(by: day * 60 - .milliseconds(1))
        #expect(machine.handle(.tick(now: clock.date)).isEmpty, "a millisecond before the window")
        clock.advance(by: .milliseconds(1))
        #expect(machine.handle(.tick(now: clock.date)) == [.order(host: "a.test", reason: .expiresSoon(issued.notAfter))])

        // Renewed: the next window counts from the new certificate.
        let renewed = validity(from: clock.date, days: 90)
        #expect(machine.handle(.issued(host: "a.test", validity: renewed, now: clock.date)).isEmpty)
        #expect(!machine.isOrdering("a.test"))
        #expect(machine.nextLook() == renewed.notAfter.addingTimeInterval(-30 * 86_400))
        #expect(machine.handle(.tick(now: clock.date)).isEmpty)
    }

    /// renew_before longer than the certificate lives (short-lived certificates): half its life.
    @Test func aWindowLongerThanTheCertificatesLifeRenewsAtHalfItsLife() {
        let short = validity(from: clock.date, days: 6)
        var machine = CertificateRenewal(hosts: ["a.test"], certificates: ["a.test": short], renewBefore: day * 30)
        #expect(machine.handle(.tick(now: clock.date)).isEmpty, "not ordered again the moment it was issued")
        #expect(machine.nextLook() == short.notBefore.addingTimeInterval(3 * 86_400))
        clock.advance(by: day * 3)
        #expect(machine.handle(.tick(now: clock.date)).count == 1)
    }

    @Test func failuresBackOffDoublingToSixHoursAndASuccessStartsOver() {
        var machine = CertificateRenewal(hosts: ["a.test"], certificates: [:], renewBefore: day * 30)
        var delays: [Duration] = []
        for _ in 0..<12 {
            #expect(machine.handle(.tick(now: clock.date)) == [.order(host: "a.test", reason: .noCertificate)])
            let failedAt = clock.date
            let actions = machine.handle(.failed(host: "a.test", now: failedAt))
            guard case .retry(_, let at)? = actions.first else {
                Issue.record("no retry after a failure: \(actions)")
                return
            }
            let delay = Duration.seconds(Int64(at.timeIntervalSince(failedAt).rounded()))
            delays.append(delay)
            clock.advance(by: delay - .milliseconds(1))
            #expect(machine.handle(.tick(now: clock.date)).isEmpty, "not before the backoff ends")
            clock.advance(by: .milliseconds(1))
        }
        #expect(Array(delays.prefix(6)) == [.seconds(60), .seconds(120), .seconds(240), .seconds(480), .seconds(960), .seconds(1920)])
        #expect(delays.suffix(3).allSatisfy { $0 == .seconds(6 * 3600) }, "\(delays)")

        #expect(machine.handle(.tick(now: clock.date)).count == 1)
        _ = machine.handle(.issued(host: "a.test", validity: validity(from: clock.date, days: 90), now: clock.date))
        clock.advance(by: day * 61)
        #expect(machine.handle(.tick(now: clock.date)).count == 1)
        guard case .retry(_, let at)? = machine.handle(.failed(host: "a.test", now: clock.date)).first else {
            Issue.record("no retry")
            return
        }
        #expect(at.timeIntervalSince(clock.date) == 60, "the backoff starts over after a success")
    }

    @Test func oneHostsFailureDoesNotHoldAnother() {
        var machine = CertificateRenewal(hosts: ["a.test", "b.test"], certificates: [:], renewBefore: day * 30)
        _ = machine.handle(.tick(now: clock.date))
        _ = machine.handle(.failed(host: "a.test", now: clock.date))
        _ = machine.handle(.issued(host: "b.test", validity: validity(from: clock.date, days: 90), now: clock.date))
        #expect(machine.handle(.tick(now: clock.date)).isEmpty)
        #expect(machine.nextLook() == clock.date.addingTimeInterval(60))
        clock.advance(by: .seconds(60))
        #expect(machine.handle(.tick(now: clock.date)) == [.order(host: "a.test", reason: .noCertificate)])
    }
}
