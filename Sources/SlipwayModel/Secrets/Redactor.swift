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
/// secret followed by a combining mark, which `Character` comparison would not.
package struct Redactor: Sendable, Equatable {
    package static let mask = "******"
    package static let minimumLength = 4

    /// The secrets this redactor hides, longest first, each once.
    package let secrets: [String]
    /// Secrets as bytes, grouped by first byte, each group longest first.
    private let candidates: [UInt8: [[UInt8]]]

    package init(secrets: some Sequence<String> = [String]()) {
        var seen = Set<String>()
        let kept = secrets.filter { $0.utf8.count >= Self.minimumLength && seen.insert($0).inserted }
        self.secrets = kept.sorted { ($1.utf8.count, $0) < ($0.utf8.count, $1) }
        self.candidates = Dictionary(grouping: self.secrets.map { Array($0.utf8) }, by: { $0[0] })
    }

    /// This redactor with more secrets.
    package func adding(_ more: some Sequence<String>) -> Redactor {
        Redactor(secrets: secrets + Array(more))
    }

    package var isEmpty: Bool { secrets.isEmpty }

    package func redact(_ text: String) -> String {
        guard !candidates.isEmpty else { return text }
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var changed = false
        var index = 0
        while index < bytes.count {
            if let group = candidates[bytes[index]],
               let secret = group.first(where: { Self.matches($0, in: bytes, at: index) }) {
                output.append(contentsOf: Self.mask.utf8)
                index += secret.count
                changed = true
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return changed ? String(decoding: output, as: UTF8.self) : text
    }

    private static func matches(_ secret: [UInt8], in bytes: [UInt8], at index: Int) -> Bool {
        guard bytes.count - index >= secret.count else { return false }
        for offset in 1..<secret.count where bytes[index + offset] != secret[offset] {
            return false
        }
        return true
    }

    package static func == (lhs: Redactor, rhs: Redactor) -> Bool {
        lhs.secrets == rhs.secrets
    }
}
