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
        for update in try RefUpdate.parse(postReceive: input) {
            guard update.ref == "refs/heads/" + branch, let to = update.after else {
                ignored.append(update.after == nil ? "\(update.ref) (deleted)" : update.ref)
                continue
            }
            updates.append(PushedRange(from: update.before, to: to, ref: update.ref))
        }
        return (updates, ignored)
    }
}
