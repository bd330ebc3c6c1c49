/// `github:`: the GitHub webhook (`POST /v1/hooks/github`). Its secret is the HMAC key GitHub signs
/// each delivery with (`X-Hub-Signature-256`): the one credential of that route.
///
/// ```yaml
/// github:
///   secret_file: .slipway/github-webhook.secret   # mode 0600 or stricter
/// ```
package struct GitHubConfig: Sendable, Equatable {
    /// The file's absolute path (written relative to the directory of `slipway.yml`).
    package var secretFile: String
    /// The file's content without its trailing line break: what was typed into GitHub's form.
    package var secret: String

    package init(secretFile: String, secret: String) {
        self.secretFile = secretFile
        self.secret = secret
    }
}
