import Foundation
import SlipwayModel
@testable import SlipwayNotify
import Testing

/// The lines a person reads: short, and holding what they need to act.
@Suite struct NotificationTextTests {
    static let now = Date(timeIntervalSince1970: 1_750_000_100)

    @Test func failureSaysWhereWhyAndWhatNext() {
        let text = NotificationText(failedNotification(), style: .slack, now: Self.now).rendered
        #expect(text == """
            ❌ Deploy of *web* v1.4.0 failed at *health* after 42s
            commit `3f2a9c1` · ref `main` · by alice · `d-20250615-0007`
            release did not become healthy: connect postgres://app:p4ssw0rd-from-env@db/app refused
            Next: `slipway logs d-20250615-0007`
            """)
    }

    @Test func plainStyleHasNoMarkup() {
        let text = NotificationText(failedNotification(event: .critical), style: .plain, now: Self.now).rendered
        #expect(text.hasPrefix("🚨 Deploy of web v1.4.0 could not be rolled back (critical) after 42s: health failed\n"))
        #expect(text.contains("commit 3f2a9c1 · ref main · by alice · d-20250615-0007"))
        #expect(!text.contains("`") && !text.contains("*"))
    }

    @Test func startedAndSucceededLeaveTheFailureOut() {
        var notification = failedNotification(event: .started)
        notification.deployment.finishedAt = nil
        notification.failedStage = nil
        notification.nextStep = nil
        let started = NotificationText(notification, style: .plain, now: Self.now).rendered
        #expect(started == "🚀 Deploy of web v1.4.0 started\ncommit 3f2a9c1 · ref main · by alice · d-20250615-0007")

        notification.event = .succeeded
        notification.deployment.finishedAt = notification.deployment.startedAt.addingTimeInterval(185)
        let succeeded = NotificationText(notification, style: .plain, now: Self.now).rendered
        #expect(succeeded.hasPrefix("✅ Deploy of web v1.4.0 succeeded in 3m 5s\n"))
        #expect(!succeeded.contains("healthy"))
    }

    @Test func releaseNotesAreListedWhenItStartsAndSucceedsNotWhenItFails() {
        var notification = failedNotification(event: .succeeded)
        notification.deployment.notes = (1...7).map { "change \($0)" }
        notification.nextStep = nil
        let succeeded = NotificationText(notification, style: .plain, now: Self.now).rendered
        #expect(succeeded.contains("• change 1\n• change 2\n• change 3\n• change 4\n• change 5\nand 2 more"), "\(succeeded)")
        #expect(!succeeded.contains("change 6"))
        notification.event = .failed
        #expect(!NotificationText(notification, style: .plain, now: Self.now).rendered.contains("change 1"))
        notification.event = .started
        notification.deployment.notes = ["<!channel> & co"]
        let slack = NotificationText(notification, style: .slack, now: Self.now).rendered
        #expect(slack.contains("• &lt;!channel&gt; &amp; co"), "\(slack)")
    }

    @Test func slackMarkupInUserTextIsEscaped() {
        var notification = failedNotification()
        notification.deployment.message = "<!channel> a & b > c\nsecond line"
        notification.deployment.version = nil
        notification.deployment.ref = "feature/<x>"
        let text = NotificationText(notification, style: .slack, now: Self.now).rendered
        #expect(text.contains("&lt;!channel&gt; a &amp; b &gt; c second line"))
        #expect(text.contains("*web* feature/&lt;x&gt; failed"))
        #expect(!text.contains("<!channel>"))
    }

    @Test func longMessagesAreShortened() {
        var notification = failedNotification()
        notification.deployment.message = String(repeating: "x", count: 1000)
        let text = NotificationText(notification, style: .plain, now: Self.now).rendered
        #expect(text.contains(String(repeating: "x", count: 300) + "…"))
        #expect(!text.contains(String(repeating: "x", count: 301)))
    }

    @Test func rollbackNamesTheReleaseItReturnsTo() {
        var notification = failedNotification(event: .succeeded)
        notification.deployment.kind = .automaticRollback
        notification.deployment.version = "v1.3.9"
        notification.deployment.actor = "slipway"
        let text = NotificationText(notification, style: .plain, now: Self.now).rendered
        #expect(text.hasPrefix("✅ Automatic rollback of web to v1.3.9 succeeded in 42s"))
    }

    @Test(arguments: [(0.42, "0.4s"), (9.9, "9.9s"), (42, "42s"), (185, "3m 5s"), (3725, "1h 2m")])
    func durationsReadAsPeopleWriteThem(seconds: Double, text: String) {
        #expect(NotificationText.duration(seconds) == text)
    }

    @Test func secretsInTheRecordAreRedactedBeforeShortening() {
        var notification = failedNotification()
        // The secret straddles the 300-character limit: redacting after cutting would leave its start.
        notification.deployment.message = String(repeating: "x", count: 295) + TestSecrets.databasePassword
        let redacted = notification.redacted(by: configRedactor)
        let text = NotificationText(redacted, style: .plain, now: Self.now).rendered
        #expect(!text.contains("p4ss"))
        #expect(redacted.deployment.stages.first?.message == "password ****** rejected")
        #expect(redacted.deployment.startedAt == notification.deployment.startedAt)
        #expect(redacted.deployment.commit == notification.deployment.commit)
    }
}
