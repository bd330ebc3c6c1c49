/// The migration files held against the history table: every migration's state, what `migrate` would run
/// and in which order, and what `validate` refuses. Pure: no database, no files.
package struct MigrationPlan: Sendable, Equatable {
    /// Versioned migrations (and the baseline) by version, then repeatable ones by description.
    package var infos: [MigrationInfo]
    /// What `migrate` runs, in order: versioned by version, then changed or new repeatable ones.
    package var pending: [MigrationScript]
    /// Empty when the migrations validate.
    package var issues: [ValidationIssue]
    /// The highest successfully applied version, the baseline included.
    package var currentVersion: MigrationVersion?
    package var baselineVersion: MigrationVersion?

    package init(resolved: ResolvedMigrations, history: [AppliedMigration], allowOutOfOrder: Bool) {
        let rows = history.filter { !$0.isMarker }.sorted { $0.installedRank < $1.installedRank }
        let baseline = rows.last { $0.isBaseline }
        var versionedRows: [MigrationVersion: AppliedMigration] = [:]
        var repeatableRows: [String: AppliedMigration] = [:]
        var unreadableRows: [AppliedMigration] = []
        for row in rows where !row.isBaseline {
            if row.version == nil {
                repeatableRows[row.description] = row
            } else if let version = row.parsedVersion {
                versionedRows[version] = row
            } else {
                unreadableRows.append(row)
            }
        }
        let baselineVersion = baseline?.parsedVersion
        let currentVersion = (versionedRows.filter { $0.value.success }.map(\.key) + [baselineVersion].compactMap { $0 }).max()

        var versioned: [(version: MigrationVersion?, info: MigrationInfo)] = []
        var pending: [MigrationScript] = []
        var issues = resolved.issues

        if let baseline {
            versioned.append((baselineVersion, MigrationInfo(category: .baseline, version: baseline.version,
                description: baseline.description, script: baseline.script, state: .baseline, applied: baseline)))
        }
        for script in resolved.versioned {
            let version = script.version!
            let row = versionedRows.removeValue(forKey: version)
            let state: MigrationState
            if let row {
                if !row.success {
                    state = .failed
                    issues.append(Self.failedIssue(row, file: script.script))
                } else if row.checksum != script.checksum {
                    state = .changed
                    issues.append(ValidationIssue(.changed, script: script.script,
                        "\(script.script) changed since it was applied on \(row.installedOn) (checksum \(row.checksum.map(String.init) ?? "none") applied, \(script.checksum) now); put the change in a new migration"))
                } else {
                    state = .applied
                }
            } else if let baselineVersion, version <= baselineVersion {
                state = .belowBaseline
            } else if let currentVersion, version < currentVersion {
                state = .outOfOrder
                if allowOutOfOrder {
                    pending.append(script)
                } else {
                    issues.append(ValidationIssue(.outOfOrder, script: script.script,
                        "\(script.script) is pending but version \(currentVersion) is already applied; renumber it above \(currentVersion) or set out_of_order: true"))
                }
            } else {
                state = .pending
                pending.append(script)
            }
            versioned.append((version, MigrationInfo(category: .versioned, version: version.description,
                description: script.description, script: script.script, state: state, checksum: script.checksum,
                applied: row)))
        }
        for (version, row) in versionedRows {
            issues.append(row.success ? Self.missingIssue(row) : Self.failedIssue(row, file: nil))
            versioned.append((version, MigrationInfo(category: .versioned, version: row.version,
                description: row.description, script: row.script, state: row.success ? .missing : .failed, applied: row)))
        }
        for row in unreadableRows {
            issues.append(Self.missingIssue(row))
            versioned.append((nil, MigrationInfo(category: .versioned, version: row.version, description: row.description,
                script: row.script, state: .missing, applied: row)))
        }
        versioned.sort { lhs, rhs in
            switch (lhs.version, rhs.version) {
            case let (l?, r?) where l != r: return l < r
            case (nil, _?): return false
            case (_?, nil): return true
            default: return (lhs.info.category == .baseline ? 0 : 1) < (rhs.info.category == .baseline ? 0 : 1)
            }
        }

        var repeatable: [MigrationInfo] = []
        for script in resolved.repeatable {
            let row = repeatableRows.removeValue(forKey: script.description)
            let state: MigrationState
            if let row, !row.success {
                state = .failed
                issues.append(Self.failedIssue(row, file: script.script))
            } else if let row, row.checksum == script.checksum {
                state = .applied
            } else {
                state = row == nil ? .pending : .outdated
                pending.append(script)
            }
            repeatable.append(MigrationInfo(category: .repeatable, version: nil, description: script.description,
                script: script.script, state: state, checksum: script.checksum, applied: row))
        }
        for row in repeatableRows.values.sorted(by: { $0.description < $1.description }) {
            issues.append(row.success ? Self.missingIssue(row) : Self.failedIssue(row, file: nil))
            repeatable.append(MigrationInfo(category: .repeatable, version: nil, description: row.description,
                script: row.script, state: row.success ? .missing : .failed, applied: row))
        }

        self.infos = versioned.map(\.info) + repeatable
        self.pending = pending
        self.issues = issues
        self.currentVersion = currentVersion
        self.baselineVersion = baselineVersion
    }

    private static func missingIssue(_ row: AppliedMigration) -> ValidationIssue {
        ValidationIssue(.missing, script: row.script,
            "\(row.script) was applied on \(row.installedOn) (rank \(row.installedRank)) but its file is gone; restore the file")
    }

    private static func failedIssue(_ row: AppliedMigration, file: String?) -> ValidationIssue {
        ValidationIssue(.failed, script: file ?? row.script,
            "\(file ?? row.script) failed on \(row.installedOn) outside a transaction and may be half applied; undo what it did, then run `slipway db repair`")
    }
}
