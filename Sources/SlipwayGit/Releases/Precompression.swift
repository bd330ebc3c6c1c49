import CZlib
import Foundation
import SlipwayModel

/// A static site's compressed siblings, made once at build time so the proxy never compresses per
/// request (nginx's `gzip_static`/`brotli_static`): `app.js.gz` beside `app.js` for every
/// compressible file the build left without one. `.gz` comes from zlib in process (level 9, no
/// name or time in the header, so the same files always give the same bytes and the release's
/// digest is stable); `.br` from a `brotli` program when the machine has one. A sibling that would
/// not be smaller is not written: the proxy then serves the file itself.
struct Precompression {
    /// Types that compress (text and a few binary text-like formats); images, fonts in woff/woff2
    /// and media are compressed already.
    static let extensions: Set<String> = [
        "html", "htm", "css", "js", "mjs", "cjs", "json", "map", "svg", "txt", "xml", "wasm", "webmanifest", "ico",
        "ttf", "otf", "eot", "md", "csv",
    ]
    /// Below this a compressed answer saves less than its headers cost.
    static let minimumSize = 256

    struct Report: Equatable {
        var gzipped = 0
        var brotli = 0
        /// Why `.br` files were not made, when they were not.
        var brotliSkipped: String?
    }

    let root: String
    /// The `brotli` program, nil when there is none.
    let brotli: String?

    /// Every file under `root` that should have compressed siblings, relative paths, sorted.
    func candidates() throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        while let path = walker.nextObject() as? String {
            let full = root + "/" + path
            var info = stat()
            guard lstat(full, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) >= Self.minimumSize else { continue }
            let name = (path as NSString).lastPathComponent
            guard let dot = name.lastIndex(of: "."), Self.extensions.contains(name[name.index(after: dot)...].lowercased()) else { continue }
            files.append(path)
        }
        return files.sorted()
    }

    /// Writes the missing `.gz` (and `.br`) siblings.
    func run() async throws -> Report {
        let files = try candidates()
        var report = Report()
        for path in files where !FileManager.default.fileExists(atPath: root + "/" + path + ".gz") {
            let data = try Data(contentsOf: URL(fileURLWithPath: root + "/" + path))
            guard let compressed = Self.gzip(data), compressed.count < data.count else { continue }
            try compressed.write(to: URL(fileURLWithPath: root + "/" + path + ".gz"))
            report.gzipped += 1
        }
        if let brotli {
            report.brotli = try await runBrotli(brotli, on: files.filter { !FileManager.default.fileExists(atPath: root + "/" + $0 + ".br") })
        } else {
            report.brotliSkipped = "no brotli program on this machine's PATH"
        }
        return report
    }

    /// `brotli -k -q 11` over the files in batches; then drops any `.br` that is not smaller.
    private func runBrotli(_ program: String, on files: [String]) async throws -> Int {
        var made = 0
        var start = 0
        while start < files.count {
            let batch = Array(files[start..<min(files.count, start + 200)])
            start += batch.count
            let command = Command(executable: program, arguments: ["--keep", "--quality=11", "--"] + batch,
                                  environment: ProcessInfo.processInfo.environment, directory: root, timeout: .seconds(600))
            let outcome = try await command.run()
            guard outcome.succeeded else {
                throw SlipwayError(.buildFailed, "brotli failed on the static site: \(outcome.summary(timeout: .seconds(600))): \(outcome.errorText)")
            }
            for file in batch {
                let original = root + "/" + file
                let compressed = original + ".br"
                guard let size = Self.size(compressed) else { continue }
                if size >= (Self.size(original) ?? 0) { try? FileManager.default.removeItem(atPath: compressed) } else { made += 1 }
            }
        }
        return made
    }

    private static func size(_ path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    /// The gzip member of `data` (RFC 1952) at zlib's best compression; nil if zlib fails.
    static func gzip(_ data: Data) -> Data? {
        var stream = z_stream()
        // 15 + 16: a gzip wrapper with a zeroed header (no name, mtime 0), memory level 9.
        guard deflateInit2_(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(data.count))) + 32
        var output = Data(count: bound)
        let status: Int32 = data.withUnsafeBytes { (input: UnsafeRawBufferPointer) -> Int32 in
            output.withUnsafeMutableBytes { (out: UnsafeMutableRawBufferPointer) -> Int32 in
                stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(out.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        output.count = Int(stream.total_out)
        return output
    }

    /// The first `brotli` on `PATH`.
    static func findBrotli(path: String?) -> String? {
        for directory in (path ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/brotli"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}
