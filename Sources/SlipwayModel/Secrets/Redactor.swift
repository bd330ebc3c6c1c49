/// Replaces every secret in a text with `******`: what every log line, record, message and error
/// passes through before it leaves the process.
///
/// Secrets shorter than `minimumLength` are ignored. Replacing every `on`, `1` or `dev` in a log
/// would shred the text people need to read, and would hint at the value by where text vanished;
/// a credential that short is not worth hiding anyway. Configuration should not accept such a secret
/// where it matters (a webhook's signing secret must be longer).
///
/// Matching is on UTF-8 bytes in a single left-to-right pass, the longest secret first at each
/// position: a secret that is part of a longer one never leaves the longer one's tail behind, and
/// a secret made of `*` never matches inside a mask already written. Byte matching also finds a
/// secret followed by a combining mark, which `Character` comparison would not. A stream of bytes
/// is redacted as it comes by `RedactingStream`, with the same result.
package struct Redactor: Sendable, Equatable {
    package static let mask = "******"
    package static let minimumLength = 4

    /// The secrets this redactor hides, longest first, each once.
    package let secrets: [String]
    /// Secrets as bytes by their first byte (256 entries), each list longest first.
    private let candidates: [[[UInt8]]]

    package init(secrets: some Sequence<String> = [String]()) {
        var seen = Set<String>()
        let kept = secrets.filter { $0.utf8.count >= Self.minimumLength && seen.insert($0).inserted }
        self.secrets = kept.sorted { ($1.utf8.count, $0) < ($0.utf8.count, $1) }
        var candidates = [[[UInt8]]](repeating: [], count: 256)
        for secret in self.secrets {
            let bytes = Array(secret.utf8)
            candidates[Int(bytes[0])].append(bytes)
        }
        self.candidates = candidates
    }

    /// This redactor with more secrets.
    package func adding(_ more: some Sequence<String>) -> Redactor {
        Redactor(secrets: secrets + Array(more))
    }

    package var isEmpty: Bool { secrets.isEmpty }

    /// The longest secret's length in bytes: the most a stream ever holds back.
    package var longestSecretBytes: Int { secrets.first?.utf8.count ?? 0 }

    package func redact(_ text: String) -> String {
        guard !isEmpty else { return text }
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        let scan = redact(bytes, final: true, into: &output)
        return scan.masked ? String(decoding: output, as: UTF8.self) : text
    }

    /// Redacts `bytes`, appending to `output`. Without `final`, it stops at the first position where
    /// a secret could still begin in bytes not seen yet (a longer secret wins over a shorter one, so
    /// that one may have to wait too); `consumed` says where it stopped.
    func redact(_ bytes: [UInt8], final: Bool, into output: inout [UInt8]) -> (consumed: Int, masked: Bool) {
        let end = bytes.count
        var masked = false
        var index = 0
        var plain = 0
        scanning: while index < end {
            let group = candidates[Int(bytes[index])]
            if group.isEmpty {
                index += 1
                continue
            }
            let available = end - index
            for secret in group {
                if secret.count <= available {
                    guard Self.matches(secret, in: bytes, at: index) else { continue }
                    output.append(contentsOf: bytes[plain..<index])
                    output.append(contentsOf: Self.mask.utf8)
                    index += secret.count
                    plain = index
                    masked = true
                    continue scanning
                }
                if !final && Self.matches(secret.prefix(available), in: bytes, at: index) {
                    output.append(contentsOf: bytes[plain..<index])
                    return (index, masked)
                }
            }
            index += 1
        }
        output.append(contentsOf: bytes[plain..<end])
        return (end, masked)
    }

    private static func matches(_ secret: some Collection<UInt8>, in bytes: [UInt8], at index: Int) -> Bool {
        var position = index
        for byte in secret {
            if bytes[position] != byte { return false }
            position += 1
        }
        return true
    }

    package static func == (lhs: Redactor, rhs: Redactor) -> Bool {
        lhs.secrets == rhs.secrets
    }
}
