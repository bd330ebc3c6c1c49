import Glibc

/// The last lines of a log file, reading backwards from its end so a large log costs only its tail.
enum LogTail {
    /// Never read more than this, however long the lines.
    static let maximumBytes = 1 << 20
    static let chunkSize = 64 << 10

    static func read(path: String, lines: Int) -> String {
        guard lines > 0 else { return "" }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return "" }

        var end = Int(info.st_size)
        var chunks: [[UInt8]] = []
        var collected = 0
        var newlines = 0
        // `lines + 1` newlines guarantee `lines` whole lines after the first, partial one.
        while end > 0, collected < maximumBytes, newlines <= lines {
            let start = max(0, end - chunkSize)
            var chunk = [UInt8](repeating: 0, count: end - start)
            let count = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(start)) }
            guard count > 0 else { break }
            chunk.removeLast(chunk.count - count)
            newlines += chunk.lazy.filter { $0 == UInt8(ascii: "\n") }.count
            collected += count
            chunks.append(chunk)
            end = start
        }
        let bytes = chunks.reversed().flatMap { $0 }
        var all = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        if all.last == "" { all.removeLast() }
        return all.suffix(lines).joined(separator: "\n")
    }
}
