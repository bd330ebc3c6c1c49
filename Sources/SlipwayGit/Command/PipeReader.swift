import Glibc
import SlipwayModel
import SlipwayPOSIX

/// The read end of a child's output pipe, non-blocking: `drain` takes what is there and returns.
struct PipeReader {
    /// Read per `drain` call at most, so a chatty command cannot keep the run loop from its timeout.
    static let maximumPerDrain = 1 << 20

    private(set) var fd: Int32
    /// Receives the output line by line when set; otherwise it is captured.
    private let handler: (@Sendable (String) -> Void)?
    private var lines = LineSplitter()
    /// Before `lines`: a secret is masked before any cut into lines or pieces can split it.
    private var redaction: RedactingStream
    /// The last `keptLines` lines handed to `handler`, for an error message.
    private(set) var lastLines: [String] = []
    let keptLines: Int
    private(set) var captured: [UInt8] = []
    private(set) var isAtEnd = false
    let captureLimit: Int

    init(fd: Int32, lines handler: (@Sendable (String) -> Void)?, keptLines: Int, captureLimit: Int,
         redactor: Redactor = Redactor()) {
        self.fd = fd
        self.redaction = RedactingStream(redactor)
        self.handler = handler
        self.keptLines = keptLines
        self.captureLimit = captureLimit
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    /// Reads what is available; true when anything was read or the end was reached.
    mutating func drain() -> Bool {
        guard !isAtEnd, fd >= 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var total = 0
        while total < Self.maximumPerDrain {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                total += count
                deliver(buffer[..<count])
            } else if count == 0 {
                isAtEnd = true
                finish()
                return true
            } else if errno != EINTR {
                break
            }
        }
        return total > 0
    }

    /// Hands over what was held back: a last line that had no newline, the start of what might have
    /// been a secret.
    mutating func finish() {
        if handler != nil { hand(lines.append(redaction.finish())) }
        if let line = lines.finish() { hand([line]) }
    }

    mutating func close() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }

    private mutating func deliver(_ bytes: ArraySlice<UInt8>) {
        if handler != nil {
            hand(lines.append(redaction.append(bytes)))
        } else if captured.count < captureLimit {
            captured += bytes.prefix(captureLimit - captured.count)
        }
    }

    private mutating func hand(_ completed: [String]) {
        guard let handler else { return }
        for line in completed { handler(line) }
        lastLines += completed.suffix(keptLines)
        if lastLines.count > keptLines { lastLines.removeFirst(lastLines.count - keptLines) }
    }
}
