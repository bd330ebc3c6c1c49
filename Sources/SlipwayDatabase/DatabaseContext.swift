import Foundation
import Logging
import SlipwayModel

/// One configured database, resolved: where it is, its engine, its migrations and backup directories.
struct DatabaseContext: Sendable {
    let config: DatabaseConfig
    let location: DatabaseLocation
    let engine: any DatabaseEngine
    let migrationsDirectory: String
    let backups: BackupCatalog
    let events: DatabaseEventSink

    init(config: DatabaseConfig, baseDirectory: String, migrationsBase: String? = nil, logger: Logger,
         events: @escaping DatabaseEventSink, applicationName: String) throws {
        self.config = config
        let location: DatabaseLocation
        do {
            location = try DatabaseLocation(url: config.url, baseDirectory: baseDirectory)
        } catch var error as SlipwayError {
            error.message = "databases.\(config.name).url: \(error.message)"
            throw error
        }
        self.location = location
        switch location {
        case .postgres(let endpoint):
            engine = PostgresEngine(endpoint: endpoint, lockTimeout: config.lockTimeout, applicationName: applicationName,
                                    logger: logger)
        case .sqlite(let path):
            engine = SQLiteEngine(path: path, busyTimeout: config.lockTimeout)
        }
        migrationsDirectory = DatabaseLocation.absolute(config.migrations, base: migrationsBase ?? baseDirectory)
        backups = BackupCatalog(directory: DatabaseLocation.absolute(config.backup.dir, base: baseDirectory),
                                database: config.name)
        self.events = events
    }

    /// The parts given, as when a caller brings its own engine.
    init(config: DatabaseConfig, location: DatabaseLocation, engine: any DatabaseEngine, migrationsDirectory: String,
         backups: BackupCatalog, events: @escaping DatabaseEventSink) {
        self.config = config
        self.location = location
        self.engine = engine
        self.migrationsDirectory = migrationsDirectory
        self.backups = backups
        self.events = events
    }

    var name: String { config.name }
}
