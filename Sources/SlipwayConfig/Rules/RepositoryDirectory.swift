import Foundation

/// Whether a relative path of `slipway.yml` names a directory of the repository that holds it,
/// in the work tree beside the file.
enum RepositoryDirectory {
    enum Problem: Error, Equatable {
        case missing
        case notADirectory
        /// A symbolic link on the way resolves outside the repository, to this path.
        case outside(String)
    }

    /// `relative` is already free of `..` and of a leading `/`; `""` is the repository itself.
    static func check(_ relative: String, in repository: String) -> Result<Void, Problem> {
        let path = relative.isEmpty ? repository : repository + "/" + relative
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .failure(.missing) }
        guard isDirectory.boolValue else { return .failure(.notADirectory) }
        let root = resolved(repository)
        let target = resolved(path)
        guard target == root || target.hasPrefix(root == "/" ? "/" : root + "/") else { return .failure(.outside(target)) }
        return .success(())
    }

    /// The path with every symbolic link resolved (`realpath`).
    static func resolved(_ path: String) -> String {
        guard let real = realpath(path, nil) else { return path }
        defer { free(real) }
        return String(cString: real)
    }
}
