import Foundation
import Glibc
import SlipwayModel

/// `<releasesDirectory>/<service>/<release-id>/`, and the `.tmp-<id>` directory a release is
/// exported and built in before one rename publishes it whole.
struct ReleaseLayout: Sendable {
    /// Absolute.
    let root: String

    init(root: String) {
        let absolute = root.hasPrefix("/") ? root : FileManager.default.currentDirectoryPath + "/" + root
        self.root = (absolute as NSString).standardizingPath
    }

    func serviceDirectory(_ service: String) -> String { "\(root)/\(service)" }
    func directory(service: String, id: String) -> String { "\(root)/\(service)/\(id)" }
    func staging(service: String, id: String) -> String { "\(root)/\(service)/.tmp-\(id)" }

    /// Picks an unused id (`id`, then `id-2`, `id-3`, ...) and creates its staging directory. The
    /// exclusive `mkdir` makes the choice safe against a concurrent `prepare` of the same commit.
    func reserve(service: String, id: String) throws -> (id: String, staging: String) {
        guard Self.isPlainName(service) else {
            throw SlipwayError(.badRequest, "invalid service name \"\(service)\" for a release directory",
                               context: ErrorContext(service: service))
        }
        try FileManager.default.createDirectory(atPath: serviceDirectory(service), withIntermediateDirectories: true)
        for attempt in 1...100 {
            let candidate = attempt == 1 ? id : "\(id)-\(attempt)"
            if FileManager.default.fileExists(atPath: directory(service: service, id: candidate)) { continue }
            let staging = staging(service: service, id: candidate)
            if mkdir(staging, 0o755) == 0 { return (candidate, staging) }
            guard errno == EEXIST else {
                throw SlipwayError(.buildFailed, "cannot create \(staging): \(String(cString: strerror(errno)))")
            }
        }
        throw SlipwayError(.buildFailed, "no free release id for \(id) in \(serviceDirectory(service))")
    }

    /// Publishes a built staging directory under its final name in one rename.
    func publish(_ staging: String, as final: String) throws {
        guard rename(staging, final) == 0 else {
            throw SlipwayError(.buildFailed, "cannot move \(staging) to \(final): \(String(cString: strerror(errno)))")
        }
    }

    /// The directory to delete for a release, refusing anything that is not exactly
    /// `<root>/<service>/<id>` (symlinks resolved): a corrupt record must not delete elsewhere.
    func removableDirectory(_ release: Release) throws -> String? {
        let path = release.directory
        let name = (path as NSString).lastPathComponent
        let parent = (path as NSString).deletingLastPathComponent
        let refusal = SlipwayError(.badRequest, "refusing to remove \(path): not a release directory under \(root)",
                                   context: ErrorContext(service: release.service))
        guard path.hasPrefix("/"), Self.isPlainName(name), !name.hasPrefix(".") else { throw refusal }
        guard let realRoot = Self.resolved(root), let realParent = Self.resolved(parent) else {
            // Its service directory is gone, so is the release, unless the path was never ours.
            guard (parent as NSString).standardizingPath.hasPrefix(root + "/") else { throw refusal }
            return nil
        }
        guard (realParent as NSString).deletingLastPathComponent == realRoot,
              Self.isPlainName((realParent as NSString).lastPathComponent) else { throw refusal }
        let directory = "\(realParent)/\(name)"
        var info = stat()
        return lstat(directory, &info) == 0 ? directory : nil
    }

    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("\0")
    }

    static func resolved(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
