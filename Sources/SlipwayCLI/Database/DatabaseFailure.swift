import ArgumentParser
import Foundation
import SlipwayConfig
import SlipwayDatabase
import SlipwayModel

/// Runs a `db` verb: a failure becomes a message on stderr (or, with --json, an `error` object on stdout)
/// and the documented exit code of docs/DATABASES.md.
enum DatabaseFailure {
    /// What `--json` prints when a verb fails.
    struct Report: Encodable {
        var error: APIError
        /// The database the failure is about, when it is about one.
        var database: String?
        /// Migrations that `migrate` had applied before it failed.
        var applied: [AppliedMigration]?
    }

    static func run(json: Bool, _ body: (inout Context) async throws -> ExitStatus) async throws {
        var context = Context()
        let status: ExitStatus
        do {
            status = try await body(&context)
        } catch let error as ExitCode {
            throw error
        } catch let error as CleanExit {
            throw error
        } catch let error as ConfigIssues {
            emit(SlipwayError(.configInvalid, "invalid configuration:\n" + error.description), context, json: json)
            status = .configInvalid
        } catch let error as SlipwayError {
            emit(error, context, json: json)
            status = ExitStatus.forError(error.code)
        } catch {
            emit(SlipwayError(.internalError, "\(error)"), context, json: json)
            status = .deployFailed
        }
        if status != .success { throw ExitCode(status.rawValue) }
    }

    /// What was going on when a failure came, for the JSON report.
    struct Context {
        var database: String?
        var applied: [AppliedMigration]?
    }

    private static func emit(_ error: SlipwayError, _ context: Context, json: Bool) {
        var error = error
        error.context.file = error.context.file.map(relativeToCurrentDirectory)
        let status = error.code == .configInvalid ? ExitStatus.configInvalid : ExitStatus.forError(error.code)
        if json {
            let report = Report(error: APIError(code: error.code, message: error.description, exitCode: status),
                                database: context.database, applied: context.applied)
            try? Terminal.printJSON(report)
        } else {
            Terminal.error(error.description)
        }
    }

    /// `db/hr/V4__broken.sql:2: ...`: paths inside the current directory are shown relative to it, as
    /// compilers print them.
    private static func relativeToCurrentDirectory(_ path: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        let prefix = cwd.hasSuffix("/") ? cwd : cwd + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}
