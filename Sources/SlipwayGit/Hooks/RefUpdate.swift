import SlipwayModel

/// One ref a push updated, as git tells a `post-receive` hook (`<old> <new> <ref>`, an all-zero id
/// for the side that does not exist) or GitHub's `push` event does (`before`, `after`, `ref`).
package struct RefUpdate: Sendable, Equatable {
    package var ref: String
    /// The commit before the push; nil when the push created the ref.
    package var before: String?
    /// The object the ref names now; nil when the push deleted it.
    package var after: String?

    package init(ref: String, before: String?, after: String?) {
        self.ref = ref
        self.before = before
        self.after = after
    }

    /// From ids as git and GitHub write them: all zeros for "none".
    package init(ref: String, old: String, new: String) {
        self.init(ref: ref, before: Self.isZero(old) ? nil : old, after: Self.isZero(new) ? nil : new)
    }

    /// `main` for `refs/heads/main`; nil for any other ref.
    package var branch: String? { ref.hasPrefix("refs/heads/") ? String(ref.dropFirst("refs/heads/".count)) : nil }
    /// `v1.2.3` for `refs/tags/v1.2.3`; nil for any other ref.
    package var tag: String? { ref.hasPrefix("refs/tags/") ? String(ref.dropFirst("refs/tags/".count)) : nil }

    /// Every line of a post-receive hook's input, the refs it ignores included.
    ///
    /// - Throws: `SlipwayError(.badRequest)` for a line that is not `<old> <new> <ref>` with
    ///   hexadecimal object ids, naming the line.
    package static func parse(postReceive input: String) throws -> [RefUpdate] {
        try input.split(separator: "\n", omittingEmptySubsequences: true).enumerated().map { index, line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard fields.count == 3, fields[0...1].allSatisfy(isObjectID) else {
                throw SlipwayError(.badRequest, "post-receive input line \(index + 1) is not `<old> <new> <ref>`: \(line.prefix(200))")
            }
            return RefUpdate(ref: fields[2], old: fields[0], new: fields[1])
        }
    }

    /// SHA-1 (40) or SHA-256 (64) hex digits.
    package static func isObjectID(_ text: String) -> Bool {
        (text.count == 40 || text.count == 64) && text.allSatisfy(\.isHexDigit)
    }

    static func isZero(_ id: String) -> Bool { id.allSatisfy { $0 == "0" } }
}
