import Foundation
import SlipwayModel

/// Reads `slipway.yml` into a validated `ProjectConfig`.
package enum ConfigLoader {
    /// Loads and validates the file at `path`; the result's `file` is its absolute path.
    ///
    /// - Throws: `SlipwayError(.configNotFound)` when there is no such file, `SlipwayError(.configInvalid)`
    ///   when it cannot be read, and `ConfigIssues` listing every problem in its contents, each naming
    ///   `path` as given (relative stays relative), line, column and key path, or the problem with
    ///   `.slipway/secrets.env` beside it (readable by others, not `KEY=value` lines).
    package static func load(path: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ProjectConfig {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw SlipwayError(.configNotFound, "no such file", context: ErrorContext(file: path))
            }
            let reason = isDirectory.boolValue ? "is a directory, not a file" : "cannot be read (\(error.localizedDescription))"
            throw SlipwayError(.configInvalid, reason, context: ErrorContext(file: path))
        }
        guard let yaml = String(data: data, encoding: .utf8) else {
            throw ConfigIssues([SlipwayError(.configInvalid, "not UTF-8 text", context: ErrorContext(file: path))])
        }
        let absolutePath = absolute(path)
        // `${VAR}` also reads `.slipway/secrets.env` beside the file; the environment wins.
        let variables = try SecretsFile.environment(besides: path, absoluteConfigPath: absolutePath,
                                                    overriddenBy: environment)
        return try decode(yaml: yaml, shownAs: path, absolutePath: absolutePath, environment: variables,
                          repository: (absolutePath as NSString).deletingLastPathComponent)
    }

    /// Validates YAML text; `file` names it in errors and becomes the result's `file`.
    /// `environment` supplies `${VAR}` references. Paths into the repository are checked for their
    /// form only: there is no repository to look in. An environment's `secrets:` file is still read
    /// (its values are what the references resolve to), relative to the directory `file` names.
    ///
    /// - Throws: `ConfigIssues` listing every problem found.
    package static func parse(yaml: String, file: String, environment: [String: String] = [:]) throws -> ProjectConfig {
        try decode(yaml: yaml, shownAs: file, absolutePath: file, environment: environment, repository: nil)
    }

    /// `repository`: the directory holding the file, where the directories it names must be.
    private static func decode(yaml: String, shownAs file: String, absolutePath: String,
                               environment: [String: String], repository: String?) throws -> ProjectConfig {
        let log = IssueLog(file: file)
        let document: ConfigDocument
        do {
            document = try DocumentComposer.compose(yaml)
        } catch {
            log.add(error.message + (UnquotedReference.hint(in: yaml, at: error.position) ?? ""),
                    at: error.position, path: .root)
            throw ConfigIssues(log.issues)
        }
        let decoder = ProjectDecoder(reader: ConfigReader(document: document, log: log), environment: environment,
                                     repository: repository,
                                     configDirectory: (absolute(absolutePath) as NSString).deletingLastPathComponent)
        guard let config = decoder.decode(file: absolutePath), log.isEmpty else {
            throw ConfigIssues(log.issues)
        }
        return config
    }

    private static func absolute(_ path: String) -> String {
        let base = FileManager.default.currentDirectoryPath
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : URL(fileURLWithPath: base).appendingPathComponent(path)
        return url.standardizedFileURL.path
    }
}
