import Crypto
import Foundation
import SlipwayModel

/// The backups of one database: a directory of backup files, each with its JSON manifest.
struct BackupCatalog: Sendable {
    let directory: String
    let database: String

    /// Newest first. A manifest that does not decode is skipped: it is not ours to judge.
    func all() throws -> [BackupManifest] {
        guard FileManager.default.fileExists(atPath: directory) else { return [] }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        let decoder = ManifestCoding.decoder()
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.compactMap { name in
            guard let data = FileManager.default.contents(atPath: directory + "/" + name),
                  let manifest = try? decoder.decode(BackupManifest.self, from: data),
                  manifest.database == database else { return nil }
            return manifest
        }.sorted { ($0.createdAt, $0.name) > ($1.createdAt, $1.name) }
    }

    func find(_ name: String) throws -> BackupManifest {
        guard let manifest = try all().first(where: { $0.name == name || $0.file == name }) else {
            throw SlipwayError(.unknownBackup, "no backup named \(name) for \(database) in \(directory)")
        }
        return manifest
    }

    func path(of manifest: BackupManifest) -> String { directory + "/" + manifest.file }

    /// Write-temp-then-rename: a reader never sees half a manifest.
    func write(_ manifest: BackupManifest) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let data = try ManifestCoding.encoder().encode(manifest)
        let final = directory + "/" + manifest.name + ".json"
        let temporary = directory + "/." + manifest.name + ".json.tmp"
        try data.write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, final) == 0 else {
            throw SlipwayError(.backupFailed, "cannot write \(final): \(String(cString: strerror(errno)))")
        }
    }

    /// The backup file first, then its manifest: a crash in between leaves a manifest naming a missing
    /// file, which verification refuses, rather than an unlisted file.
    func delete(_ manifest: BackupManifest) throws {
        let file = path(of: manifest)
        if FileManager.default.fileExists(atPath: file) { try FileManager.default.removeItem(atPath: file) }
        try FileManager.default.removeItem(atPath: directory + "/" + manifest.name + ".json")
    }

    /// The file's size and SHA-256, read in chunks off the cooperative pool.
    static func measure(_ file: String) async throws -> (size: Int64, sha256: String) {
        try await BlockingWork.run("slipway-sha256") {
            guard let handle = FileHandle(forReadingAtPath: file) else {
                throw SlipwayError(.backupVerifyFailed, "backup file \(file) is missing or unreadable")
            }
            defer { try? handle.close() }
            var hash = SHA256()
            var size: Int64 = 0
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hash.update(data: chunk)
                size += Int64(chunk.count)
            }
            return (size, hash.finalize().map { String(format: "%02x", $0) }.joined())
        }
    }
}
