import Foundation
import SlipwayModel

/// Where HTTP-01 answers are published: one file per token, holding the key authorization, in
/// the directory the proxy answers `/.well-known/acme-challenge/<token>` from. Written whole
/// (temporary file, then rename): the proxy never reads half an answer.
package struct ChallengeFiles: Sendable {
    package let directory: String

    package init(directory: String) {
        self.directory = directory
    }

    func publish(token: String, keyAuthorization: String) throws {
        guard ACMEFiles.isToken(token) else {
            throw ACMEError.local("malformed", "the server's challenge token \(token.debugDescription) is not base64url")
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try PrivateFile.write(Data(keyAuthorization.utf8), to: directory + "/" + token)
    }

    func withdraw(token: String) {
        guard ACMEFiles.isToken(token) else { return }
        try? FileManager.default.removeItem(atPath: directory + "/" + token)
    }
}
