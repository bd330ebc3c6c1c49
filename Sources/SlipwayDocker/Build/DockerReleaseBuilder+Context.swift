import Foundation
import Glibc
import SlipwayModel

extension DockerReleaseBuilder {
    /// The directory sent as the build context: the release directory, or `image.context` in it.
    static func contextRoot(_ release: Release, _ docker: DockerServiceConfig) -> String {
        docker.context.map { release.directory + "/" + $0 } ?? release.directory
    }

    /// Why the release can't be built from its context, or nil. The context must be a directory of
    /// the deployed commit that no symbolic link leads out of the release (the build would send files
    /// the commit does not hold), and the Dockerfile a file in it. `slipway.yml` was checked against
    /// the work tree; this is the commit being deployed.
    static func contextProblem(_ release: Release, _ docker: DockerServiceConfig, dockerfile: String) -> String? {
        let commit = release.commit.prefix(12)
        let root = contextRoot(release, docker)
        var isDirectory: ObjCBool = false
        if let context = docker.context {
            guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
                return "\(context) (image.context) is not a directory in commit \(commit); the path is relative to the repository root"
            }
            let top = resolved(release.directory)
            let target = resolved(root)
            guard target == top || target.hasPrefix(top + "/") else {
                return "\(context) (image.context) leads out of the repository through a symbolic link (to \(target))"
            }
        }
        guard FileManager.default.fileExists(atPath: root + "/" + dockerfile, isDirectory: &isDirectory),
              !isDirectory.boolValue else {
            guard let context = docker.context else {
                return "\(dockerfile) (image.dockerfile) is not a file in commit \(commit); "
                    + "the path is relative to the repository root"
            }
            return "\(dockerfile) (image.dockerfile) is not a file in \(context) (image.context) of commit \(commit); "
                + "the path is relative to the context"
        }
        return nil
    }

    /// The path with every symbolic link resolved (`realpath`).
    private static func resolved(_ path: String) -> String {
        guard let real = realpath(path, nil) else { return path }
        defer { free(real) }
        return String(cString: real)
    }
}
