/// How a service's `run:` line is handed to `/bin/sh -c`. A simple command is `exec`ed, so the
/// service is the very process the runtime started: its exit status is the service's and signals
/// reach it directly. Anything else (`cd api && ./server`, `a; b`, a pipeline, a leading
/// `VAR=value`, a shell keyword, a `run:` that already says `exec`) runs as the shell's script: the
/// shell stays, the service's parent in the same process group, which `stop` signals as a whole, and
/// its exit status is the last command's.
enum ShellCommandLine {
    static func script(for run: String) -> String {
        isSimpleCommand(run) ? "exec " + run : run
    }

    /// Words that start something other than a simple command, or that `exec` can't precede.
    static let leadingWords: Set<String> = [
        "if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until", "for", "in",
        "{", "}", "!", "[[", "function", "select", "exec", "export", "set", "unset", "cd", "readonly", "eval", ".",
    ]

    /// No control operator (`;`, `&`, `|`, `(`, `)`, a newline) outside quotes, and a first word
    /// that is neither an assignment nor in `leadingWords`.
    static func isSimpleCommand(_ run: String) -> Bool {
        let trimmed = run.drop { $0 == " " || $0 == "\t" }
        let firstWord = String(trimmed.prefix { $0 != " " && $0 != "\t" })
        guard !firstWord.isEmpty, !leadingWords.contains(firstWord), !isAssignment(firstWord) else { return false }
        var quote: Character?
        var escaped = false
        var previous: Character = " "
        for character in trimmed {
            defer { previous = character }
            if escaped {
                escaped = false
                continue
            }
            switch (quote, character) {
            case (nil, "\\"), ("\"", "\\"): escaped = true
            case (nil, "'"), (nil, "\""): quote = character
            case ("'", "'"), ("\"", "\""): quote = nil
            // `2>&1`, `<&3` and `>|` are redirections, not control operators.
            case (nil, "&") where previous == ">" || previous == "<": break
            case (nil, "|") where previous == ">": break
            case (nil, ";"), (nil, "&"), (nil, "|"), (nil, "("), (nil, ")"), (nil, "\n"): return false
            default: break
            }
        }
        return true
    }

    /// `NAME=value`: a name (letters, digits, underscores, not starting with a digit) before `=`.
    private static func isAssignment(_ word: String) -> Bool {
        guard let equals = word.firstIndex(of: "="), equals != word.startIndex else { return false }
        let name = word[..<equals]
        return name.first.map { !$0.isNumber } == true && name.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
    }
}
