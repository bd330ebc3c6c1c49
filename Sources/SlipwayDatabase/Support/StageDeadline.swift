import Dispatch
import SlipwayModel

/// When a backup or migrate stage must be over: its `backup_timeout` or `migrate_timeout` after it began.
///
/// Each step checks it before it starts and hands what is left to whatever can stop the work it runs
/// (PostgreSQL's `statement_timeout`, SQLite's interrupt, a signal to pg_dump), so work past the deadline is
/// stopped and undone, never abandoned: a timeout is reported only once the work can no longer complete.
package struct StageDeadline: Sendable {
    package enum Setting: String, Sendable {
        case backupTimeout = "backup_timeout"
        case migrateTimeout = "migrate_timeout"
    }

    package let setting: Setting
    package let timeout: Duration
    package let instant: ContinuousClock.Instant

    package init(_ setting: Setting, timeout: Duration, from start: ContinuousClock.Instant = .now) {
        self.setting = setting
        self.timeout = timeout
        self.instant = start + timeout
    }

    /// The backup stage's deadline from the database's `backup_timeout`, starting now.
    package static func backup(_ config: DatabaseConfig) -> StageDeadline {
        StageDeadline(.backupTimeout, timeout: config.backupTimeout)
    }

    /// The migrate stage's deadline from the database's `migrate_timeout`, starting now.
    package static func migrate(_ config: DatabaseConfig) -> StageDeadline {
        StageDeadline(.migrateTimeout, timeout: config.migrateTimeout)
    }

    var hasPassed: Bool { ContinuousClock.now >= instant }

    /// Whole milliseconds left, at least 1 (PostgreSQL reads a statement_timeout of 0 as no limit); nil once passed.
    var millisecondsLeft: Int64? {
        let left = (instant - .now).milliseconds
        return left > 0 ? left : nil
    }

    /// The deadline for the blocking waits of a thread (a child process).
    var dispatchTime: DispatchTime {
        let left = max(instant - .now, .zero)
        return .now() + .milliseconds(Int(clamping: left.milliseconds))
    }

    /// `wait`, cut to what is left: waiting for the lock counts against the stage too.
    func bounding(_ wait: Duration) -> Duration {
        min(wait, max(instant - .now, .zero))
    }

    /// `migrate_timeout 30m`, as messages name it.
    var named: String { "\(setting.rawValue) \(DurationText.format(timeout))" }

    var code: SlipwayError.Code {
        switch setting {
        case .backupTimeout: .backupTimeout
        case .migrateTimeout: .migrationTimeout
        }
    }

    /// `<what> exceeded migrate_timeout 30m<after>`.
    func exceeded(_ what: String, _ after: String = "", context: ErrorContext = ErrorContext()) -> SlipwayError {
        SlipwayError(code, "\(what) exceeded \(named)\(after)", context: context)
    }

    /// Throws `exceeded` when the deadline has passed, before a step that would start after it.
    func check(_ what: String) throws {
        if hasPassed { throw exceeded(what) }
    }
}

extension Optional where Wrapped == StageDeadline {
    func check(_ what: String) throws { try self?.check(what) }
    func bounding(_ wait: Duration) -> Duration { self?.bounding(wait) ?? wait }
}
