import Foundation

/// Which backups rotation deletes: beyond the newest `keep`, or older than `maxAge`, but never the newest
/// verified one (the one a restore would need).
package enum BackupRotation {
    package static func expired(_ manifests: [BackupManifest], keep: Int?, maxAge: Duration?, now: Date) -> [BackupManifest] {
        let newestFirst = manifests.sorted { ($0.createdAt, $0.name) > ($1.createdAt, $1.name) }
        let protected = newestFirst.first { $0.verified }?.name
        return newestFirst.enumerated().compactMap { index, manifest in
            guard manifest.name != protected else { return nil }
            let beyondCount = keep.map { index >= $0 } ?? false
            let tooOld = maxAge.map { now.timeIntervalSince(manifest.createdAt) > Double($0.components.seconds) } ?? false
            return beyondCount || tooOld ? manifest : nil
        }
    }
}
