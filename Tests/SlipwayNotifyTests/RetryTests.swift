import Foundation
import SlipwayModel
import SlipwayNotify
import Testing

/// Retries, backoff and the budget, against a receiver that fails as told.
@Suite struct RetryTests {
    /// Fast backoff so the tests spend their time on what they check.
    static let quick = DeliveryPolicy(attemptTimeout: .seconds(2), initialBackoff: .milliseconds(50),
                                      maxBackoff: .milliseconds(200))

    @Test func serverErrorIsRetriedUntilDelivered() async throws {
        try await withReceiver(answer: { number, _ in number == 0 ? .status(500, body: "boom") : .status(200) }) { receiver in
            let notifier = ChannelNotifier(channels: [webhook(receiver)], redactor: configRedactor, policy: Self.quick)
            let deliveries = await notifier.notify(failedNotification())
            #expect(deliveries.count == 1)
            #expect(deliveries.first?.delivered == true)
            #expect(deliveries.first?.attempts == 2)
            #expect(deliveries.first?.error == nil)
            let requests = receiver.requests
            #expect(requests.count == 2)
            // The same delivery, re-signed: a receiver can tell a retry from a new notification.
            #expect(requests[0].header("X-Slipway-Delivery") == requests[1].header("X-Slipway-Delivery"))
            #expect(requests[0].body == requests[1].body)
        }
    }

    @Test func retryAfterIsWaitedFor() async throws {
        try await withReceiver(answer: { number, _ in
            number == 0 ? .status(429, headers: [("Retry-After", "1")]) : .status(200)
        }) { receiver in
            let notifier = ChannelNotifier(channels: [slack(receiver)], redactor: configRedactor, policy: Self.quick)
            let started = ContinuousClock.now
            let deliveries = await notifier.notify(failedNotification())
            #expect(ContinuousClock.now - started >= .seconds(1))
            #expect(deliveries.first?.delivered == true)
            #expect(deliveries.first?.attempts == 2)
        }
    }

    @Test func telegramRetryAfterInTheBodyIsWaitedFor() async throws {
        let tooMany = #"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}"#
        try await withReceiver(answer: { number, _ in number == 0 ? .status(429, body: tooMany) : .status(200) }) { receiver in
            let notifier = ChannelNotifier(channels: [telegram(receiver)], redactor: configRedactor, policy: Self.quick)
            let started = ContinuousClock.now
            let deliveries = await notifier.notify(failedNotification())
            #expect(ContinuousClock.now - started >= .seconds(1))
            #expect(deliveries.first?.attempts == 2)
            #expect(deliveries.first?.delivered == true)
        }
    }

    @Test func retryAfterLongerThanAllowedGivesUpAtOnce() async throws {
        try await withReceiver(answer: { _, _ in .status(503, headers: [("Retry-After", "120")]) }) { receiver in
            let notifier = ChannelNotifier(channels: [slack(receiver)], redactor: configRedactor, policy: Self.quick)
            let started = ContinuousClock.now
            let deliveries = await notifier.notify(failedNotification())
            // Far below the 120 s asked for: it gave up at once (the slack absorbs a loaded machine).
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(deliveries.first?.delivered == false)
            #expect(deliveries.first?.attempts == 1)
            #expect(deliveries.first?.error == "HTTP 503; the server asked to retry after 2m")
        }
    }

    @Test func clientErrorIsNotRetried() async throws {
        let refusal = #"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#
        try await withReceiver(answer: { _, _ in .status(400, body: refusal) }) { receiver in
            let notifier = ChannelNotifier(channels: [telegram(receiver)], redactor: configRedactor, policy: Self.quick)
            let deliveries = await notifier.notify(failedNotification())
            #expect(deliveries.first?.delivered == false)
            #expect(deliveries.first?.attempts == 1)
            #expect(deliveries.first?.error == "HTTP 400: Bad Request: chat not found")
            #expect(receiver.requests.count == 1)
        }
    }

    @Test func alwaysFailingServerEndsWithinBudget() async throws {
        try await withReceiver(answer: { _, _ in .status(502, body: "bad gateway") }) { receiver in
            let notifier = ChannelNotifier(channels: [slack(receiver), webhook(receiver)], redactor: configRedactor,
                                           budget: .seconds(3), policy: Self.quick)
            let started = ContinuousClock.now
            let deliveries = await notifier.notify(failedNotification())
            let elapsed = ContinuousClock.now - started
            // Within the budget, give or take the scheduling of a loaded 2-core machine.
            #expect(elapsed < .seconds(5))
            #expect(deliveries.count == 2)
            for delivery in deliveries {
                #expect(delivery.delivered == false)
                #expect(delivery.attempts >= 2)
                #expect(delivery.error?.hasPrefix("HTTP 502: bad gateway") == true)
            }
        }
    }

    @Test func hangingServerEndsWithinBudget() async throws {
        try await withReceiver(answer: { _, _ in .hang }) { receiver in
            let notifier = ChannelNotifier(channels: [slack(receiver), telegram(receiver), webhook(receiver)],
                                           redactor: configRedactor, budget: .seconds(2))
            let started = ContinuousClock.now
            let deliveries = await notifier.notify(failedNotification())
            let elapsed = ContinuousClock.now - started
            // A server that never answers holds it for the budget and no longer (slack: a loaded machine).
            #expect(elapsed >= .milliseconds(1900))
            #expect(elapsed < .seconds(5))
            #expect(deliveries.map(\.channel) == ["slack", "telegram", "webhook"])
            for delivery in deliveries {
                #expect(delivery.delivered == false)
                #expect(delivery.attempts == 1)
                #expect(delivery.error?.hasPrefix("no answer within ") == true)
                #expect(delivery.error?.hasSuffix("; gave up within the 2s budget") == true)
            }
        }
    }

    @Test func unreachableServerEndsWithinBudget() async throws {
        // A port that was just free and is now closed: connections are refused.
        let closed = try await RecordingReceiver()
        try await closed.stop()
        let notifier = ChannelNotifier(channels: [telegram(closed)], redactor: configRedactor,
                                       budget: .seconds(3), policy: Self.quick)
        let started = ContinuousClock.now
        let deliveries = await notifier.notify(failedNotification())
        #expect(ContinuousClock.now - started < .seconds(6))
        let delivery = try #require(deliveries.first)
        #expect(delivery.delivered == false)
        // The client keeps reconnecting within the attempt, and says why it never got through.
        #expect(delivery.attempts >= 1)
        let error = try #require(delivery.error)
        #expect(error.hasPrefix("network error: Connection refused"))
        #expect(!error.contains(TestSecrets.telegramToken))
    }
}
