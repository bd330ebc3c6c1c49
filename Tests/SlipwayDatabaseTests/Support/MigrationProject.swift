import Foundation
import SlipwayModel
@testable import SlipwayDatabase

/// A temporary project directory: `migrations/` to write files into, a backup directory, and the
/// `DatabaseConfig` pointing at them. Removed when released.
final class MigrationProject: @unchecked Sendable {
    let root: String
    let name: String

    init(name: String = "app") throws {
        self.name = name
        root = FileManager.default.temporaryDirectory.appendingPathComponent("slipway-db-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/migrations", withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
    }

    var migrations: String { root + "/migrations" }
    var backupDirectory: String { root + "/backups" }

    func write(_ file: String, _ sql: String) throws {
        let path = migrations + "/" + file
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(sql.utf8).write(to: URL(fileURLWithPath: path))
    }

    func remove(_ file: String) throws {
        try FileManager.default.removeItem(atPath: migrations + "/" + file)
    }

    func config(url: String, verify: Bool = true, keep: Int? = 7, maxAge: Duration? = nil,
                outOfOrder: Bool = false) -> DatabaseConfig {
        DatabaseConfig(name: name, url: url, migrations: "migrations",
                       backup: BackupConfig(dir: "backups", keep: keep, maxAge: maxAge, verify: verify),
                       lockTimeout: .seconds(5), outOfOrder: outOfOrder)
    }

    /// Backups are taken but not proved unless `verify`: the migration scenarios are about migrations, and
    /// each proof creates and drops a PostgreSQL database; the backup scenarios turn it on.
    func migrator(url: String, verify: Bool = false, keep: Int? = 7, outOfOrder: Bool = false,
                  events: EventLog = EventLog()) throws -> DatabaseMigrator {
        try DatabaseMigrator(config: config(url: url, verify: verify, keep: keep, outOfOrder: outOfOrder),
                             baseDirectory: root, onEvent: events.sink)
    }

    func backups(url: String, verify: Bool = true, keep: Int? = 7, maxAge: Duration? = nil) throws -> DatabaseBackups {
        try DatabaseBackups(config: config(url: url, verify: verify, keep: keep, maxAge: maxAge), baseDirectory: root)
    }

    /// Files in the backup directory, manifests included, hidden temporaries excluded.
    func backupFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: backupDirectory)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }
}

/// Collects a migrator's events, and lets a test wait for one.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [DatabaseEvent] = []
    private var waiters: [(matches: (DatabaseEvent) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []

    var sink: DatabaseEventSink { { [self] event in record(event) } }

    var all: [DatabaseEvent] { lock.withLock { events } }

    var lockWaits: [String] {
        all.compactMap { if case .waitingForLock(_, let message) = $0 { message } else { nil } }
    }

    private func record(_ event: DatabaseEvent) {
        let ready = lock.withLock {
            events.append(event)
            let ready = waiters.filter { $0.matches(event) }
            waiters.removeAll { $0.matches(event) }
            return ready.map(\.continuation)
        }
        ready.forEach { $0.resume() }
    }

    /// Returns once an event matching `matches` has been recorded (at once if one already was).
    func wait(for matches: @escaping (DatabaseEvent) -> Bool) async {
        await withCheckedContinuation { continuation in
            let already = lock.withLock {
                if events.contains(where: matches) { return true }
                waiters.append((matches, continuation))
                return false
            }
            if already { continuation.resume() }
        }
    }

    func waitForMigrationStart() async {
        await wait { if case .migrationStarted = $0 { true } else { false } }
    }
}
