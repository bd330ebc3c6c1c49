import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// One event loop's cache of the files of the sites it serves, nginx's `open_file_cache` with the
/// file's bytes beside it: what each path is (file, directory, nothing), a file's size, dates,
/// ETag and type, and the whole content of a file up to `maxFileBytes` while the loop's total stays
/// under `byteBudget` (oldest cached first out).
///
/// A release's files never change once published (a new release is a new root), so an entry is
/// never invalidated: keyed by the site's root and the relative path, it is valid for as long as
/// that release is served. The file system is touched only on a miss, on the loop (as nginx
/// does): a `realpath`, a `stat` and, for a small file, one read.
final class SiteFiles {
    let maxFileBytes: Int
    let byteBudget: Int
    /// Past this many paths (every path asked for, files or not) the cache starts again.
    let maxEntries: Int
    /// By root, then by relative path: no key is built per request.
    private var entries: [String: [String: SiteEntry]] = [:]
    private var entryCount = 0
    /// Resolved roots: a path resolving outside its root is not in the site.
    private var roots: [String: String] = [:]
    /// Keys of cached entries holding bytes, oldest first, from `oldest` on.
    private var holding: [Key] = []
    private struct Key {
        var root: String
        var relative: String
    }
    private var oldest = 0
    private(set) var cachedBytes = 0

    init(maxFileBytes: Int = 1 << 20, byteBudget: Int = 64 << 20, maxEntries: Int = 50_000) {
        self.maxFileBytes = maxFileBytes
        self.byteBudget = byteBudget
        self.maxEntries = maxEntries
    }

    /// What `relative` (a `SitePath.relative`) is in the site rooted at `root`.
    func entry(root: String, relative: String) -> SiteEntry {
        if let entry = entries[root]?[relative] { return entry }
        if entryCount >= maxEntries { removeAll() }
        let entry = load(root: root, relative: relative)
        entries[root, default: [:]][relative] = entry
        entryCount += 1
        if case .file(let file) = entry, file.bytes != nil {
            holding.append(Key(root: root, relative: relative))
            cachedBytes += file.size + file.variants.reduce(0) { $0 + $1.size }
            evictOverBudget()
        }
        return entry
    }

    func removeAll() {
        entries.removeAll(keepingCapacity: true)
        entryCount = 0
        holding.removeAll()
        oldest = 0
        cachedBytes = 0
    }

    private func evictOverBudget() {
        while cachedBytes > byteBudget, oldest < holding.count {
            let key = holding[oldest]
            oldest += 1
            if case .file(let file) = entries[key.root]?.removeValue(forKey: key.relative) {
                entryCount -= 1
                cachedBytes -= file.size + file.variants.reduce(0) { $0 + $1.size }
            }
        }
        if oldest > 1024, oldest * 2 > holding.count {
            holding.removeFirst(oldest)
            oldest = 0
        }
    }

    // MARK: Loading

    private func load(root: String, relative: String) -> SiteEntry {
        guard let resolvedRoot = resolvedRoot(root) else { return .missing }
        let path = relative.isEmpty ? root : root + "/" + relative
        guard let resolved = Self.resolve(path, inside: resolvedRoot) else { return .missing }
        var status = stat()
        guard stat(resolved, &status) == 0 else { return .missing }
        switch status.st_mode & S_IFMT {
        case S_IFDIR:
            return .directory
        case S_IFREG:
            guard let file = loadFile(resolved, status: status, root: resolvedRoot) else { return .missing }
            return .file(file)
        default:
            return .missing
        }
    }

    private func resolvedRoot(_ root: String) -> String? {
        if let resolved = roots[root] { return resolved }
        guard let pointer = realpath(root, nil) else { return nil }
        defer { free(pointer) }
        let resolved = String(cString: pointer)
        if roots.count > 1024 { roots.removeAll() }
        roots[root] = resolved
        return resolved
    }

    /// `path` with every symlink resolved, when that is still inside `root` and names no dotfile
    /// (a link inside the site may not lead to `.env` either); nil otherwise.
    static func resolve(_ path: String, inside root: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        let resolved = String(cString: pointer)
        if resolved == root { return resolved }
        guard resolved.hasPrefix(root == "/" ? "/" : root + "/") else { return nil }
        let inside = resolved.dropFirst(root == "/" ? 1 : root.utf8.count + 1)
        for (index, segment) in inside.split(separator: "/").enumerated() where segment.hasPrefix(".") {
            guard index == 0, segment == ".well-known" else { return nil }
        }
        return resolved
    }

    private func loadFile(_ path: String, status: stat, root: String) -> SiteFile? {
        let coding = ContentCoding.allCases.first { path.hasSuffix($0.suffix) }
        var variants: [SiteFile] = []
        if coding == nil {
            for candidate in ContentCoding.allCases {
                var variantStatus = stat()
                guard let variantPath = Self.resolve(path + candidate.suffix, inside: root),
                      stat(variantPath, &variantStatus) == 0, variantStatus.st_mode & S_IFMT == S_IFREG,
                      let variant = read(variantPath, status: variantStatus, coding: candidate, contentType: MediaType.of(path: path),
                                         variants: [], varies: true)
                else { continue }
                variants.append(variant)
            }
        }
        return read(path, status: status, coding: nil, contentType: MediaType.of(path: path), variants: variants,
                    varies: !variants.isEmpty)
    }

    /// A small file is read whole and hashed for its ETag. A larger one is sent from the disk at
    /// each request (sendfile), and hashing it here would block the loop for as long as reading
    /// it: its ETag is its size, modification time and inode (nginx's is size and time).
    private func read(_ path: String, status: stat, coding: ContentCoding?, contentType: String, variants: [SiteFile],
                      varies: Bool) -> SiteFile? {
        let size = Int(status.st_size)
        let modified = Int(status.st_mtim.tv_sec)
        var bytes: ByteBuffer?
        var etag: String
        if size <= maxFileBytes {
            guard let content = Self.readWhole(path, size: size) else { return nil }
            etag = content.withUnsafeReadableBytes(ContentHash.etag)
            bytes = content
        } else {
            etag = "\"" + String(size, radix: 16) + "-" + String(modified, radix: 16) + "-" + String(status.st_ino, radix: 16) + "\""
        }
        if let coding {
            // The variant's own tag: a cache holding one coding must not answer for another.
            etag = String(etag.dropLast()) + "-" + coding.rawValue + "\""
        }
        return SiteFile(path: path, size: size, modified: modified, etag: etag, contentType: contentType, bytes: bytes,
                        coding: coding, variants: variants, varies: varies)
    }

    static func readWhole(_ path: String, size: Int) -> ByteBuffer? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = ByteBufferAllocator().buffer(capacity: size)
        var remaining = size
        while remaining > 0 {
            let count = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: remaining) { pointer in
                let n = Glibc.read(fd, pointer.baseAddress, remaining)
                return n > 0 ? n : 0
            }
            if count == 0 { break }
            remaining -= count
        }
        // A file that changed size under us is not a published release's: don't serve half of it.
        return remaining == 0 ? buffer : nil
    }
}
