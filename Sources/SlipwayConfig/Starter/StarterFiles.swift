import Foundation
import SlipwayModel

/// What `slipway init` writes into a repository: `slipway.yml` (checked first, refused over an
/// existing one without `force`) and its JSON Schema beside it, `.slipway/` in `.gitignore`, and
/// `.slipway/secrets.env` (0600) for the secret-looking variables the app reads.
package enum StarterFiles {
    /// The JSON Schema of slipway.yml, beside it, for editors (`# yaml-language-server: $schema=…`).
    package static let schemaFile = "slipway.schema.json"

    package struct Written: Sendable, Equatable {
        package var configFile: String
        /// `.gitignore` got a `.slipway/` line (false: it was ignored already).
        package var ignoredStateDirectory: Bool
        /// The secrets file made or completed, and the names it was given.
        package var secretsFile: String?
        package var secretNames: [String]
    }

    package static func write(_ starter: StarterConfig, in root: String, force: Bool) throws -> Written {
        guard NameRules.isValidName(starter.service) else {
            throw SlipwayError(.badRequest, "invalid service name \(ConfigNode.quoted(starter.service)): \(NameRules.nameRule)")
        }
        let configFile = root + "/slipway.yml"
        if FileManager.default.fileExists(atPath: configFile), !force {
            throw SlipwayError(.badRequest, "\(configFile) exists; `slipway init --force` replaces it")
        }
        let text = starter.text
        // The file must pass `check` as written, with the secrets still to be filled in.
        var environment = ProcessInfo.processInfo.environment
        for name in starter.app.secretNames where environment[name] == nil { environment[name] = "" }
        do {
            _ = try ConfigLoader.parse(yaml: text, file: "slipway.yml", environment: environment)
        } catch let issues as ConfigIssues {
            throw SlipwayError(.internalError, "slipway init wrote a file that does not pass check (a bug; please report it):\n"
                               + issues.description + "\n" + text)
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: configFile), options: .atomic)
        if starter.schema != nil {
            try Data(JSONSchemaWriter.text().utf8).write(to: URL(fileURLWithPath: root + "/" + schemaFile), options: .atomic)
        }
        let ignored = try ignoreStateDirectory(in: root)
        var written = Written(configFile: configFile, ignoredStateDirectory: ignored, secretsFile: nil, secretNames: [])
        if !starter.app.secretNames.isEmpty {
            (written.secretsFile, written.secretNames) = try writeSecrets(starter.app.secretNames, in: root)
        }
        return written
    }

    /// Adds `.slipway/` to `.gitignore` unless a line already ignores it.
    static func ignoreStateDirectory(in root: String) throws -> Bool {
        let path = root + "/.gitignore"
        let existing = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let lines = existing.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !lines.contains(where: { [".slipway", ".slipway/", "/.slipway", "/.slipway/"].contains($0) }) else { return false }
        let separator = existing.isEmpty || existing.hasSuffix("\n") ? "" : "\n"
        let addition = separator + "# slipway's state: the database, logs and secrets of `slipway serve`\n.slipway/\n"
        try Data((existing + addition).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        return true
    }

    /// `.slipway/secrets.env` (0600 in a 0700 directory) with an empty line for each name it lacks;
    /// values already there are never touched.
    static func writeSecrets(_ names: [String], in root: String) throws -> (String, [String]) {
        let directory = root + "/.slipway"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let path = directory + "/secrets.env"
        let existing = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let present = Set(existing.split(separator: "\n").compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
        let missing = names.filter { !present.contains($0) }
        var text = existing
        if existing.isEmpty {
            text = "# KEY=value lines for ${KEY} in slipway.yml: mode 0600, never committed (.slipway/ is ignored).\n"
        } else if !existing.hasSuffix("\n") {
            text += "\n"
        }
        text += missing.map { "\($0)=" }.joined(separator: "\n") + (missing.isEmpty ? "" : "\n")
        let temporary = path + ".new"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw SlipwayError(.internalError, "could not write \(temporary)")
        }
        chmod(temporary, 0o600)
        guard rename(temporary, path) == 0 else {
            throw SlipwayError(.internalError, "could not write \(path): \(String(cString: strerror(errno)))")
        }
        return (path, missing)
    }
}
