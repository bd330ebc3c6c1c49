import SlipwayModel

/// One entry of `databases:`. Keys left out keep the defaults `DatabaseConfig` and `BackupConfig` give them.
struct DatabaseDecoder {
    let reader: ConfigReader
    let environment: [String: String]

    static let keys = ConfigSchema.database.keyNames
    static let backupKeys = ConfigSchema.backup.keyNames

    func decode(name: String, node: ConfigNode) -> DatabaseConfig? {
        guard let fields = reader.mapping(node, keys: Self.keys, expected: "a mapping of the database's settings") else {
            return nil
        }
        let url = reader.required("url", in: fields).flatMap(url)
        let migrations = reader.required("migrations", in: fields)
            .flatMap { reader.nonEmptyString($0, expected: "a directory of migrations") }
        var database = DatabaseConfig(name: name, url: url ?? "", migrations: migrations ?? "",
                                      backup: BackupConfig(dir: ".slipway/backups/\(name)"))
        if let backup = fields["backup"] { decodeBackup(backup, into: &database.backup) }
        if let timeout = fields["lock_timeout"].flatMap({ reader.duration($0) }) { database.lockTimeout = timeout }
        if let outOfOrder = fields["out_of_order"].flatMap(reader.bool) { database.outOfOrder = outOfOrder }
        // A zero stage timeout would fail every deployment with pending work before it starts.
        if let timeout = fields["backup_timeout"].flatMap({ reader.duration($0, positive: true) }) {
            database.backupTimeout = timeout
        }
        if let timeout = fields["migrate_timeout"].flatMap({ reader.duration($0, positive: true) }) {
            database.migrateTimeout = timeout
        }
        return url == nil || migrations == nil ? nil : database
    }

    /// The URL after `${VAR}` expansion. Messages never show the value: it may hold a password,
    /// whether written in the file or expanded from the environment.
    private func url(_ node: ConfigNode) -> String? {
        let expansion = SecretExpansion(reader: reader, environment: environment)
        guard let expanded = expansion.expand(node, expected: "a url like postgres://host/db or sqlite:path/to/file.db")
        else { return nil }
        if let problem = DatabaseURLRules.problem(with: expanded.text) {
            var message = "expected \(problem)\(expanded.origin)"
            if problem == .unsupportedScheme, let scheme = DatabaseURLRules.scheme(of: expanded.text) {
                message += ", got a \(scheme): url"
            }
            reader.log.add(message, at: node)
            return nil
        }
        return expanded.text
    }

    private func decodeBackup(_ node: ConfigNode, into backup: inout BackupConfig) {
        guard let fields = reader.mapping(node, keys: Self.backupKeys) else { return }
        if let dir = fields["dir"].flatMap({ reader.nonEmptyString($0, expected: "a directory") }) { backup.dir = dir }
        if let keep = fields["keep"] {
            // `keep: null` lifts the count limit, leaving rotation to max_age.
            if keep.isNull {
                backup.keep = nil
            } else if let count = reader.integer(keep, in: 1...Int.max, expected: "an integer >= 1 (or null for no limit)") {
                backup.keep = count
            }
        }
        if let maxAge = fields["max_age"].flatMap({ reader.duration($0, positive: true) }) { backup.maxAge = maxAge }
        if let verify = fields["verify"].flatMap(reader.bool) { backup.verify = verify }
    }
}
