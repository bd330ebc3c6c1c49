import Foundation
@testable import SlipwayNotify
import Testing

/// Backoff, `Retry-After` and which answers are retried, without a socket.
@Suite struct DeliveryRulesTests {
    @Test func backoffDoublesUpToItsCap() {
        let policy = DeliveryPolicy(initialBackoff: .milliseconds(250), maxBackoff: .seconds(1))
        #expect(policy.backoff(after: 1, jitter: 1) == .milliseconds(250))
        #expect(policy.backoff(after: 2, jitter: 1) == .milliseconds(500))
        #expect(policy.backoff(after: 3, jitter: 1) == .seconds(1))
        #expect(policy.backoff(after: 60, jitter: 1) == .seconds(1))
        #expect(policy.backoff(after: 2, jitter: 0.5) == .milliseconds(250))
    }

    @Test func retryAfterReadsSecondsAndDates() {
        let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryAfter.parse("3", now: now) == .seconds(3))
        #expect(RetryAfter.parse(" 0 ", now: now) == .zero)
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:49:47 GMT", now: now) == .seconds(10))
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:49:30 GMT", now: now) == .zero)
        #expect(RetryAfter.parse("-1", now: now) == nil)
        #expect(RetryAfter.parse("soon", now: now) == nil)
        #expect(RetryAfter.parse(nil, now: now) == nil)
    }

    @Test func answersAreJudgedForRetrying() {
        #expect(AttemptOutcome.judging(status: 204, retryAfter: nil, detail: "") == .delivered)
        #expect(AttemptOutcome.judging(status: 500, retryAfter: nil, detail: "") == .retryable("HTTP 500"))
        #expect(AttemptOutcome.judging(status: 429, retryAfter: .seconds(2), detail: "slow down")
                == .retryable("HTTP 429: slow down", retryAfter: .seconds(2)))
        #expect(AttemptOutcome.judging(status: 408, retryAfter: nil, detail: "") == .retryable("HTTP 408"))
        #expect(AttemptOutcome.judging(status: 404, retryAfter: nil, detail: "no_service") == .permanent("HTTP 404: no_service"))
    }

    @Test func refusalDetailIsOneShortLine() {
        #expect(HTTPAttempt.detail(of: Array(#"{"ok":false,"description":"Unauthorized"}"#.utf8)) == "Unauthorized")
        #expect(HTTPAttempt.detail(of: Array("invalid_token\nmore".utf8)) == "invalid_token")
        #expect(HTTPAttempt.detail(of: Array(String(repeating: "y", count: 500).utf8)).count == 201)
    }
}
