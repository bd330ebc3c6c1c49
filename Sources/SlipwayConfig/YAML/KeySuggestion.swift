/// "Did you mean" for unknown keys: the known key a typo most likely meant.
enum KeySuggestion {
    static func unknownKeyMessage(_ key: String, known: [String]) -> String {
        if let suggestion = closest(to: key, among: known) {
            return "unknown key \(ConfigNode.quoted(key)); did you mean \(ConfigNode.quoted(suggestion))?"
        }
        return "unknown key \(ConfigNode.quoted(key)); expected one of: \(known.joined(separator: ", "))"
    }

    /// The known key that differs from `key` only in case and separators (`buildTimeout` for
    /// `build_timeout`), else the nearest one within a few edits (about one per three letters).
    static func closest(to key: String, among known: [String]) -> String? {
        let normalizedKey = normalized(key)
        if let same = known.first(where: { normalized($0) == normalizedKey }) { return same }
        let scored = known.map { (candidate: $0, distance: editDistance(normalizedKey, normalized($0))) }
        guard let best = scored.min(by: { $0.distance < $1.distance }) else { return nil }
        let allowed = max(1, min(3, best.candidate.count / 3))
        return best.distance <= allowed ? best.candidate : nil
    }

    private static func normalized(_ text: String) -> String {
        String(text.lowercased().filter { $0 != "_" && $0 != "-" })
    }

    /// Levenshtein distance: insertions, deletions and substitutions each cost one.
    private static func editDistance(_ lhs: String, _ rhs: String) -> Int {
        let left = Array(lhs)
        let right = Array(rhs)
        guard !left.isEmpty else { return right.count }
        guard !right.isEmpty else { return left.count }
        var previous = Array(0...right.count)
        for (i, leftCharacter) in left.enumerated() {
            var current = [i + 1]
            for (j, rightCharacter) in right.enumerated() {
                let substitution = previous[j] + (leftCharacter == rightCharacter ? 0 : 1)
                current.append(min(previous[j + 1] + 1, current[j] + 1, substitution))
            }
            previous = current
        }
        return previous[right.count]
    }
}
