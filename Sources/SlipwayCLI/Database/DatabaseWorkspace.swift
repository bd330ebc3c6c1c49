import ArgumentParser
import Foundation
import Logging
import SlipwayConfig
import SlipwayDatabase
import SlipwayModel

/// The databases a `db` verb acts on: slipway.yml found (or given with --config) and loaded, the names
/// resolved, and migrators and backups built for them with progress printed to stderr.
struct DatabaseWorkspace {
    let project: ProjectConfig
    let databases: [DatabaseConfig]
    let json: Bool

    /// `name` nil means every database, unless `single` asks for exactly one (then a config with more than
    /// one must name it).
    init(_ global: GlobalOptions, name: String?, single: Bool = false) throws {
        let file: String
        if let path = global.config {
            file = path
        } else {
            file = try ConfigLocator.find(from: FileManager.default.currentDirectoryPath)
        }
        project = try ConfigLoader.load(path: file)
        json = global.json
        guard !project.databases.isEmpty else {
            throw SlipwayError(.unknownDatabase, "\(project.file) declares no databases: add a `databases:` section")
        }
        if let name {
            guard let database = project.database(named: name) else {
                let known = project.databases.map(\.name).joined(separator: ", ")
                throw SlipwayError(.unknownDatabase, "no database named \(name) in \(project.file) (it has: \(known))")
            }
            databases = [database]
        } else if single && project.databases.count > 1 {
            let known = project.databases.map(\.name).joined(separator: ", ")
            throw SlipwayError(.unknownDatabase, "name the database: \(known)")
        } else {
            databases = project.databases
        }
    }

    func migrator(_ database: DatabaseConfig, events: DatabaseEventPrinter) throws -> DatabaseMigrator {
        try DatabaseMigrator(config: database, baseDirectory: project.rootDirectory, logger: Self.logger, onEvent: events.sink)
    }

    func backups(_ database: DatabaseConfig, events: DatabaseEventPrinter) throws -> DatabaseBackups {
        try DatabaseBackups(config: database, baseDirectory: project.rootDirectory, logger: Self.logger, onEvent: events.sink)
    }

    /// Library logs stay quiet: what a user needs comes as events and errors.
    static var logger: Logger {
        var logger = Logger(label: "slipway.db")
        logger.logLevel = .error
        return logger
    }
}
