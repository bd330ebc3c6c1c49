import Foundation
import SlipwayModel

/// Every migration file of a directory, in run order, with the naming problems found on the way.
package struct ResolvedMigrations: Sendable, Equatable {
    /// Sorted by version.
    package var versioned: [MigrationScript]
    /// Sorted by description, as Flyway runs them.
    package var repeatable: [MigrationScript]
    /// Bad names and duplicate versions or descriptions; duplicates keep the first file by path.
    package var issues: [ValidationIssue]

    package init(versioned: [MigrationScript] = [], repeatable: [MigrationScript] = [], issues: [ValidationIssue] = []) {
        self.versioned = versioned
        self.repeatable = repeatable
        self.issues = issues
    }

    package var all: [MigrationScript] { versioned + repeatable }

    /// Reads every `.sql` file under `directory` (recursively, as Flyway scans a location).
    package static func load(from directory: String) throws -> ResolvedMigrations {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SlipwayError(.configInvalid, "migrations directory \(directory) does not exist")
        }
        var resolved = ResolvedMigrations()
        var versions: [MigrationVersion: String] = [:]
        var repeatables: [String: String] = [:]
        for relative in try sqlFiles(under: directory) {
            let fileName = String(relative.split(separator: "/").last ?? Substring(relative))
            guard let name = MigrationFileName(parsing: fileName) else { continue }
            let path = directory + "/" + relative
            switch name {
            case .invalid(let reason):
                resolved.issues.append(ValidationIssue(.invalidName, script: relative, "\(relative): \(reason)"))
            case .versioned(let version, let description):
                if let first = versions[version] {
                    resolved.issues.append(ValidationIssue(.duplicateVersion, script: relative,
                        "\(relative) and \(first) both have version \(version)"))
                    continue
                }
                versions[version] = relative
                resolved.versioned.append(try script(.versioned, version, description, relative, path))
            case .repeatable(let description):
                if let first = repeatables[description] {
                    resolved.issues.append(ValidationIssue(.duplicateRepeatable, script: relative,
                        "\(relative) and \(first) are both the repeatable migration `\(description)`"))
                    continue
                }
                repeatables[description] = relative
                resolved.repeatable.append(try script(.repeatable, nil, description, relative, path))
            }
        }
        resolved.versioned.sort { $0.version! < $1.version! }
        resolved.repeatable.sort { $0.description < $1.description }
        return resolved
    }

    private static func script(_ kind: MigrationScript.Kind, _ version: MigrationVersion?, _ description: String,
                               _ relative: String, _ path: String) throws -> MigrationScript {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SlipwayError(.validationFailed, "cannot read \(path): \(error.localizedDescription)")
        }
        var sql = String(decoding: data, as: UTF8.self)
        if sql.unicodeScalars.first == "\u{FEFF}" { sql.unicodeScalars.removeFirst() }
        return MigrationScript(kind: kind, version: version, description: description, script: relative, path: path,
                               checksum: FlywayChecksum.checksum(of: data), sql: sql)
    }

    /// Relative paths of the `.sql` files, sorted so duplicates are reported the same way every time.
    private static func sqlFiles(under directory: String) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else {
            throw SlipwayError(.configInvalid, "cannot list migrations directory \(directory)")
        }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let name = relative.split(separator: "/").last.map(String.init) ?? relative
            if name.hasPrefix(".") {
                enumerator.skipDescendants()
                continue
            }
            if name.hasSuffix(MigrationFileName.suffix) { files.append(relative) }
        }
        return files.sorted()
    }
}
