import Foundation
import Glibc
import SlipwayModel

/// A release directory as a Docker build context: the entries to send, in a stable order, less
/// what its `.dockerignore` excludes (the Docker CLI applies that file, not the engine, so a
/// client of the API must).
struct BuildContext: Sendable {
    let root: String
    let entries: [ContextEntry]

    /// Walks `root`. The Dockerfile and `.dockerignore` are sent even when `.dockerignore` names
    /// them, as the Docker CLI does: the engine needs the one and reads the other.
    static func scan(root: String, dockerfile: String) throws -> BuildContext {
        let ignoreFile = root + "/.dockerignore"
        let ignore = FileManager.default.fileExists(atPath: ignoreFile)
            ? DockerIgnore(text: try String(contentsOfFile: ignoreFile, encoding: .utf8))
            : DockerIgnore(text: "")
        let kept: Set<String> = [dockerfile, ".dockerignore"]
        var entries: [ContextEntry] = []
        try walk(root: root, relative: "", ignore: ignore, kept: kept, into: &entries)
        return BuildContext(root: root, entries: entries)
    }

    private static func walk(root: String, relative: String, ignore: DockerIgnore, kept: Set<String>,
                             into entries: inout [ContextEntry]) throws {
        let directory = relative.isEmpty ? root : root + "/" + relative
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        for name in names {
            let path = relative.isEmpty ? name : relative + "/" + name
            let absolute = root + "/" + path
            var info = stat()
            guard lstat(absolute, &info) == 0 else {
                throw SlipwayError(.buildFailed, "cannot read \(absolute): \(String(cString: strerror(errno)))")
            }
            let excluded = ignore.excludes(path) && !kept.contains(path)
            let mode = UInt32(info.st_mode) & 0o7777
            let modified = Int64(info.st_mtim.tv_sec)
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                if !excluded {
                    entries.append(ContextEntry(path: path, kind: .directory, mode: mode, modified: modified))
                }
                // An excluded directory is still entered when a `!` pattern may bring back something in it.
                if !excluded || ignore.mayReinclude(under: path) || kept.contains(where: { $0.hasPrefix(path + "/") }) {
                    try walk(root: root, relative: path, ignore: ignore, kept: kept, into: &entries)
                }
            case S_IFREG where !excluded:
                entries.append(ContextEntry(path: path, kind: .file(size: Int64(info.st_size)), mode: mode, modified: modified))
            case S_IFLNK where !excluded:
                let target = try FileManager.default.destinationOfSymbolicLink(atPath: absolute)
                entries.append(ContextEntry(path: path, kind: .symlink(target: target), mode: mode, modified: modified))
            default:
                // Sockets, FIFOs and devices have no place in an image's build context (and `git
                // archive` never makes them).
                continue
            }
        }
    }
}
