import Foundation
import SlipwayModel

/// `github:`: the secret of the GitHub webhook, read once here. The file is held to what
/// `.slipway/secrets.env` is (a regular file, mode 0600 or stricter, checked on the descriptor read)
/// and, unlike it, must exist: a webhook without its key would refuse every delivery.
///
/// ```yaml
/// github:
///   secret_file: .slipway/github-webhook.secret
/// ```
struct GitHubDecoder {
    let reader: ConfigReader
    /// The absolute directory of `slipway.yml`, which `secret_file` is relative to.
    let configDirectory: String
    /// That directory as the caller named the file (empty: the current one).
    let shownDirectory: String

    func decode(_ node: ConfigNode) -> GitHubConfig? {
        guard let fields = reader.mapping(node, keys: ConfigSchema.github.keyNames, expected: "a mapping with secret_file:"),
              let fileNode = reader.required("secret_file", in: fields),
              let written = reader.nonEmptyString(fileNode, expected: "the path of the file holding the webhook's secret")
        else { return nil }
        let isAbsolute = written.hasPrefix("/")
        let path = ((isAbsolute ? written : configDirectory + "/" + written) as NSString).standardizingPath
        let shown = isAbsolute || shownDirectory.isEmpty ? written : shownDirectory + "/" + written
        let text: String?
        do {
            text = try SecretsFile.read(path, shownAs: shown)
        } catch let issues as ConfigIssues {
            for issue in issues.issues { reader.log.add("\(shown): \(issue.message)", at: fileNode) }
            return nil
        } catch {
            reader.log.add("\(shown): cannot be read (\(error))", at: fileNode)
            return nil
        }
        guard let text else {
            reader.log.add("\(shown): no such file; write the webhook's secret there (the one given to GitHub) "
                           + "and chmod 600 it", at: fileNode)
            return nil
        }
        // A file written by `echo` ends with a line break GitHub's form never had.
        let secret = String(text.reversed().drop { $0 == "\n" || $0 == "\r" }.reversed())
        guard !secret.isEmpty else {
            reader.log.add("\(shown) is empty: it must hold the webhook's secret", at: fileNode)
            return nil
        }
        return GitHubConfig(secretFile: path, secret: secret)
    }
}
