/// Splits `run` into the container's command as a POSIX shell splits words, without running a
/// shell (an image may have none, `FROM scratch`): blanks separate words, single quotes keep
/// text as is, double quotes keep blanks and honour `\"`, `\\`, `\$` and `` \` ``, and a backslash
/// outside quotes takes the next character literally. Nothing is expanded; for pipes or
/// variables, write `sh -c '...'`. Docker Compose splits a string `command:` the same way.
enum ShellWords {
    struct UnclosedQuote: Error, Equatable {
        let quote: Character
    }

    static func split(_ text: String) throws(UnclosedQuote) -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            switch character {
            case " ", "\t", "\n":
                if inWord { words.append(word) }
                word = ""
                inWord = false
            case "'":
                inWord = true
                guard let close = characters.firstIndex(of: "'") else { throw UnclosedQuote(quote: "'") }
                word += String(characters[..<close])
                characters = characters[(close + 1)...]
            case "\"":
                inWord = true
                var closed = false
                while let inner = characters.popFirst() {
                    if inner == "\"" {
                        closed = true
                        break
                    }
                    if inner == "\\", let next = characters.first, "\"\\$`".contains(next) {
                        word.append(next)
                        characters.removeFirst()
                    } else {
                        word.append(inner)
                    }
                }
                guard closed else { throw UnclosedQuote(quote: "\"") }
            case "\\":
                inWord = true
                if let next = characters.popFirst(), next != "\n" { word.append(next) }
            default:
                inWord = true
                word.append(character)
            }
        }
        if inWord { words.append(word) }
        return words
    }
}
