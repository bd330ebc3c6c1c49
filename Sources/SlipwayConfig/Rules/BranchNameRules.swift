/// `environments.E.branch`: a branch name as `git check-ref-format --branch` accepts it, so that a
/// push's ref can be compared with it and it can be passed to git as an argument.
enum BranchNameRules {
    static let rule = "a git branch name: no spaces, control characters, \"..\", \"~\", \"^\", \":\", \"?\", \"*\", "
        + "\"[\", \"\\\\\" or \"@{\", not starting with \"-\" or \".\", not ending with \"/\", \".\" or \".lock\""

    static func isValid(_ name: String) -> Bool {
        guard !name.isEmpty, name != "@", !name.hasPrefix("-"), !name.hasPrefix("/"), !name.hasSuffix("/"),
              !name.hasSuffix("."), !name.contains(".."), !name.contains("@{"), !name.contains("//") else {
            return false
        }
        let forbidden: Set<Unicode.Scalar> = [" ", "~", "^", ":", "?", "*", "[", "\\"]
        guard !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || forbidden.contains($0) }) else {
            return false
        }
        // Each component: not starting with "." and not ending with ".lock" (git's lock files).
        return name.split(separator: "/").allSatisfy { !$0.hasPrefix(".") && !$0.hasSuffix(".lock") }
    }
}
