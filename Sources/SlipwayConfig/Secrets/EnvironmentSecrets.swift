import Foundation
import SlipwayModel

/// `environments.E.secrets`: a `KEY=value` file, written as `.slipway/secrets.env` is (and held to
/// the same mode, 0600 or stricter), whose values resolve the `${VAR}` references of E's services
/// before anything else does. Unlike `.slipway/secrets.env` it must exist: an environment that names
/// a file and silently resolved from the next source without it would run with the wrong secrets.
enum EnvironmentSecrets {
    struct Loaded {
        /// The file's absolute path: what `EnvironmentConfig.secretsFile` holds.
        let path: String
        /// The path as the user reaches it (beside the config file as the caller named it).
        let shown: String
        let values: [String: String]
    }

    /// Each problem a message for the `secrets` key: never a value from the file.
    struct Problems: Error {
        let messages: [String]
    }

    /// Reads `written` (relative to the directory holding `slipway.yml`, or absolute).
    ///
    /// - Parameters:
    ///   - configDirectory: the absolute directory of `slipway.yml`.
    ///   - shownDirectory: that directory as the caller named the file (empty: the current one).
    static func load(_ written: String, configDirectory: String, shownDirectory: String) -> Result<Loaded, Problems> {
        let isAbsolute = written.hasPrefix("/")
        let path = ((isAbsolute ? written : configDirectory + "/" + written) as NSString).standardizingPath
        let shown = isAbsolute || shownDirectory.isEmpty ? written : shownDirectory + "/" + written
        do {
            guard let text = try SecretsFile.read(path, shownAs: shown) else {
                return .failure(Problems(messages: ["\(shown): no such file"]))
            }
            let values = try SecretsFileParser.parse(text, file: shown)
            return .success(Loaded(path: path, shown: shown, values: values))
        } catch let issues as ConfigIssues {
            // The parser's issues carry the secrets file's own line; the others name only the file.
            return .failure(Problems(messages: issues.issues.map { issue in
                let line = issue.context.line.map { ":\($0)" } ?? ""
                return "\(shown)\(line): \(issue.message)"
            }))
        } catch {
            return .failure(Problems(messages: ["\(shown): cannot be read (\(error))"]))
        }
    }
}
