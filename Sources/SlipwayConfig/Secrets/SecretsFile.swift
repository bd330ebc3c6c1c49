import Foundation
import SlipwayModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `.slipway/secrets.env` next to `slipway.yml`: values for `${VAR}` references that should not live
/// in the environment of whoever starts the daemon. The environment wins over the file, so a CI job
/// or a one-off run can override a value without editing it.
enum SecretsFile {
    static let relativePath = ".slipway/secrets.env"

    /// `environment` over the values of the secrets file beside `configPath`, if there is one.
    ///
    /// - Throws: `ConfigIssues` naming the file (as `configPath` is shown: relative stays relative)
    ///   when group or others may read or write it, when it cannot be read, or when a line is not
    ///   `KEY=value`. No message ever holds a value from the file.
    static func environment(besides configPath: String, absoluteConfigPath: String,
                            overriddenBy environment: [String: String]) throws -> [String: String] {
        let shown = sibling(of: configPath)
        guard let text = try read(sibling(of: absoluteConfigPath), shownAs: shown) else { return environment }
        let values = try SecretsFileParser.parse(text, file: shown)
        return values.merging(environment) { _, fromEnvironment in fromEnvironment }
    }

    static func sibling(of configPath: String) -> String {
        let directory = (configPath as NSString).deletingLastPathComponent
        return directory.isEmpty ? relativePath : directory + "/" + relativePath
    }

    /// The file's text; nil when there is no file. The mode is checked on the descriptor that is
    /// read, so the file cannot be swapped between the check and the read.
    ///
    /// - Throws: `ConfigIssues` with one issue naming `shown`: group or others may read or write the
    ///   file, it is not a regular file, or it cannot be read.
    static func read(_ path: String, shownAs shown: String) throws -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT { return nil }
            throw issue(shown, "cannot be read (\(String(cString: strerror(code))))")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw issue(shown, "cannot be read (\(String(cString: strerror(errno))))")
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw issue(shown, "is not a regular file")
        }
        let permissions = status.st_mode & 0o777
        guard permissions & 0o077 == 0 else {
            let mode = String(permissions, radix: 8)
            throw issue(shown, "mode \(String(repeating: "0", count: 4 - mode.count) + mode) lets group or others "
                        + "read or change the secrets; it must be 0600 or stricter (chmod 600 \(shown))")
        }
        let data: Data
        do {
            data = try handle.readToEnd() ?? Data()
        } catch {
            throw issue(shown, "cannot be read (\(error.localizedDescription))")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw issue(shown, "not UTF-8 text") }
        return text
    }

    private static func issue(_ file: String, _ message: String) -> ConfigIssues {
        ConfigIssues([SlipwayError(.configInvalid, message, context: ErrorContext(file: file))])
    }
}
