/// Text from outside the CLI (who deployed, audit details, messages, refs, a build's output) as it may reach
/// a terminal: control characters are shown, not obeyed, so a name with a newline cannot forge a row of
/// `history` and an escape sequence cannot clear the screen or retitle the window. `--json` output is the
/// exact text and does not pass here.
///
/// Shown as Swift writes them: `\n`, `\r`, `\t`, else `\u{1b}`. A backslash stays as written: escaping it
/// too would double every one in ordinary messages, and a backslash alone moves nothing on a terminal.
enum TerminalText {
    /// One line: every control character escaped, line breaks and tabs included (a table cell, a name).
    static func line(_ text: String) -> String {
        escaped(text, keeping: [])
    }

    /// Text of several lines (a message, a log): its line breaks and tabs kept, every other control
    /// character escaped, a carriage return included (it would let a line overwrite the one before).
    static func lines(_ text: String) -> String {
        escaped(text, keeping: ["\n", "\t"])
    }

    private static func escaped(_ text: String, keeping kept: Set<Unicode.Scalar>) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) && !kept.contains($0) }) else { return text }
        var shown = ""
        for scalar in text.unicodeScalars {
            guard isControl(scalar), !kept.contains(scalar) else {
                shown.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": shown += "\\n"
            case "\r": shown += "\\r"
            case "\t": shown += "\\t"
            default: shown += "\\u{\(String(scalar.value, radix: 16))}"
            }
        }
        return shown
    }

    /// C0 and C1 controls and DEL; the line and paragraph separators some terminals break lines at; and the
    /// bidirectional overrides and isolates that make a line read in an order other than its text's.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
