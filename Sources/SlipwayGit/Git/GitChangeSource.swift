import Foundation
import SlipwayCore
import SlipwayModel

/// What changed between two commits of the repository holding `slipway.yml`, for `deploy --changed`.
package struct GitChangeSource: ChangeSource {
    let repository: GitRepository

    package init(repository path: String) {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        repository = GitRepository(path: (absolute as NSString).standardizingPath,
                                   environment: GitRepository.environment(from: ProcessInfo.processInfo.environment),
                                   timeout: .seconds(60))
    }

    package func resolve(_ ref: String) async throws -> String {
        guard let commit = try await repository.resolveCommit(ref) else {
            throw SlipwayError(.refNotFound, "ref \"\(ref)\" does not resolve to a commit in \(repository.path)")
        }
        return commit
    }

    package func isTag(_ name: String) async throws -> Bool {
        try await repository.isTag(name)
    }

    package func commitSubjects(from: String?, to: String, paths: [String], limit: Int) async throws -> [String] {
        try await repository.commitSubjects(from: from, to: to, paths: paths, limit: limit)
    }

    package func tags(at commit: String) async throws -> [String] {
        try await repository.tags(pointingAt: commit)
    }

    package func changedFiles(from: String, to: String) async throws -> [String] {
        try await repository.changedFiles(from: from, to: to)
    }
}
