import SlipwayModel

/// One branch update a push made, as git tells a `post-receive` hook: a line `<old> <new> <ref>`
/// on standard input per updated ref, the old id all zeros for a ref the push created, the new id
/// all zeros for one it deleted.
package struct PushedRange: Sendable, Equatable {
    /// The commit before the push; nil when the push created the branch.
    package var from: String?
    package var to: String
    package var ref: String

    package init(from: String?, to: String, ref: String) {
        self.from = from
        self.to = to
        self.ref = ref
    }

    /// What a post-receive hook's input asks of `branch`: the updates of `refs/heads/<branch>`
    /// (a deletion is not one: nothing to deploy), and the refs it ignores.
    ///
    /// - Throws: `SlipwayError(.badRequest)` for a line that is not `<old> <new> <ref>` with
    ///   hexadecimal object ids, naming the line.
    package static func parse(_ input: String, branch: String) throws -> (updates: [PushedRange], ignored: [String]) {
        var updates: [PushedRange] = []
        var ignored: [String] = []
        for (index, line) in input.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard fields.count == 3, fields[0...1].allSatisfy(isObjectID) else {
                throw SlipwayError(.badRequest, "post-receive input line \(index + 1) is not `<old> <new> <ref>`: \(line.prefix(200))")
            }
            let (old, new, ref) = (fields[0], fields[1], fields[2])
            guard ref == "refs/heads/" + branch, !isZero(new) else {
                ignored.append(isZero(new) ? "\(ref) (deleted)" : ref)
                continue
            }
            updates.append(PushedRange(from: isZero(old) ? nil : old, to: new, ref: ref))
        }
        return (updates, ignored)
    }

    /// SHA-1 (40) or SHA-256 (64) hex digits.
    static func isObjectID(_ text: String) -> Bool {
        (text.count == 40 || text.count == 64) && text.allSatisfy(\.isHexDigit)
    }

    static func isZero(_ id: String) -> Bool { id.allSatisfy { $0 == "0" } }
}
