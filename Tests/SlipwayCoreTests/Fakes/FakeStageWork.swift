import Foundation
import SlipwayCore
import SlipwayModel
import Synchronization

/// Commands succeed unless listed: `failing` exit 1, `hanging` time out.
struct FakeRunner: StageCommandRunner {
    let failing: Set<String>
    let hanging: Set<String>
    let ran = Ledger()

    init(failing: Set<String> = [], hanging: Set<String> = []) {
        self.failing = failing
        self.hanging = hanging
    }

    func run(_ command: String, in directory: String, environment: [String: String], timeout: Duration,
             log: @escaping @Sendable (String) -> Void) async throws -> StageCommandOutcome {
        ran.append("\(command) in \(directory) url=\(environment["SLIPWAY_URL"] ?? "-")")
        log("output of \(command)")
        if hanging.contains(command) { return StageCommandOutcome(status: nil, timedOut: true) }
        return StageCommandOutcome(status: failing.contains(command) ? 1 : 0, timedOut: false)
    }
}

final class FakeMigrator: DatabaseMigrating {
    private let failing: Mutex<Bool>
    let calls = Ledger()
    private let backupGate = Mutex<BuildGate?>(nil)

    /// The next backups wait until `releaseBackup`.
    func holdBackup() { backupGate.withLock { $0 = BuildGate() } }
    func releaseBackup() {
        let gate = backupGate.withLock { $0 }
        Task { await gate?.release() }
    }

    init(fails: Bool) {
        failing = Mutex(fails)
    }

    func setFailing(_ fails: Bool) { failing.withLock { $0 = fails } }
    var fails: Bool { failing.withLock { $0 } }

    func backUpAndMigrate(database: String, releaseDirectory: String, deployment: String,
                          log: @escaping @Sendable (String) -> Void,
                          backedUp: @escaping @Sendable (String) async -> Bool) async throws -> [String] {
        calls.append("backup \(database) from \(releaseDirectory)")
        log("backing up \(database)")
        if let gate = backupGate.withLock({ $0 }) { await gate.wait() }
        guard await backedUp("b-1") else { return [] }
        calls.append("migrate \(database) from \(releaseDirectory)")
        log("applying V2__add_employee_timezone.sql")
        if fails {
            throw SlipwayError(.internalError, "V2__broken.sql: syntax error")
        }
        return ["V2__add_employee_timezone.sql"]
    }
}

final class RecordingNotifier: Notifier {
    let sent = Mutex<[DeploymentNotification]>([])

    func notify(_ notification: DeploymentNotification) async -> [NotificationDelivery] {
        sent.withLock { $0.append(notification) }
        return [NotificationDelivery(channel: "webhook", event: notification.event, delivered: true, attempts: 1, at: Date())]
    }

    var events: [DeploymentNotification.Event] { sent.withLock { $0.map(\.event) } }
}
