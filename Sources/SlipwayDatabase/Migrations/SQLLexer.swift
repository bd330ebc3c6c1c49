/// A SQL script cut into the tokens that matter for finding statement boundaries and leading keywords:
/// bare words, quoted things (strings, quoted identifiers, dollar-quoted bodies), punctuation and `;`.
/// Comments and whitespace are skipped. PostgreSQL's lexical rules, which SQLite's are a subset of for this
/// purpose: `--` and nested `/* */` comments, `''` inside strings, `E'\''` escapes, `$tag$...$tag$`.
struct SQLLexer {
    enum Kind: Equatable {
        /// An unquoted identifier or keyword; `upper` holds it uppercased (ASCII).
        case word
        /// A string, quoted identifier or dollar-quoted string.
        case quoted
        case number
        case semicolon
        case punctuation
    }

    struct Token {
        var kind: Kind
        /// Byte offsets into the script's UTF-8.
        var range: Range<Int>
        /// 1-based line of the token's first byte.
        var line: Int
        var upper: String = ""
    }

    struct SyntaxError: Error, Equatable {
        var message: String
        var line: Int
    }

    let bytes: [UInt8]
    private var index = 0
    private var line = 1

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    mutating func next() throws(SyntaxError) -> Token? {
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\n"):
                line += 1
                index += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0B, 0x0C:
                index += 1
            case UInt8(ascii: "-") where peek(1) == UInt8(ascii: "-"):
                while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                try skipBlockComment()
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                return try quoted(from: index, escapes: false)
            case UInt8(ascii: "$"):
                if let token = try dollarQuoted() { return token }
                return single(.punctuation)
            case UInt8(ascii: ";"):
                return single(.semicolon)
            case _ where Self.isIdentifierStart(byte):
                return try word()
            case _ where Self.isDigit(byte):
                let start = index
                while index < bytes.count && (Self.isIdentifierPart(bytes[index]) || bytes[index] == UInt8(ascii: ".")) {
                    index += 1
                }
                return Token(kind: .number, range: start..<index, line: line)
            default:
                return single(.punctuation)
            }
        }
        return nil
    }

    // MARK: - Pieces

    private func peek(_ offset: Int) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    private mutating func single(_ kind: Kind) -> Token {
        defer { index += 1 }
        return Token(kind: kind, range: index..<(index + 1), line: line)
    }

    private mutating func word() throws(SyntaxError) -> Token {
        let start = index
        while index < bytes.count && Self.isIdentifierPart(bytes[index]) { index += 1 }
        // E'...' is PostgreSQL's escape string: a backslash escapes the next character.
        if index - start == 1, bytes[start] | 0x20 == UInt8(ascii: "e"), peek(0) == UInt8(ascii: "'") {
            var token = try quoted(from: index, escapes: true)
            token.range = start..<token.range.upperBound
            return token
        }
        let upper = String(decoding: bytes[start..<index].map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self)
        return Token(kind: .word, range: start..<index, line: line, upper: upper)
    }

    private mutating func quoted(from start: Int, escapes: Bool) throws(SyntaxError) -> Token {
        let quote = bytes[start]
        let startLine = line
        index = start + 1
        while index < bytes.count {
            let byte = bytes[index]
            if escapes && byte == UInt8(ascii: "\\") {
                if peek(1) == UInt8(ascii: "\n") { line += 1 }
                index += 2
            } else if byte == quote {
                if peek(1) == quote {
                    index += 2
                } else {
                    index += 1
                    return Token(kind: .quoted, range: start..<index, line: startLine)
                }
            } else {
                if byte == UInt8(ascii: "\n") { line += 1 }
                index += 1
            }
        }
        let what = quote == UInt8(ascii: "'") ? "string" : "quoted identifier"
        throw SyntaxError(message: "unterminated \(what)", line: startLine)
    }

    /// `$tag$ ... $tag$`; nil when this `$` is a parameter (`$1`) or part of an identifier.
    private mutating func dollarQuoted() throws(SyntaxError) -> Token? {
        if index > 0 && Self.isIdentifierPart(bytes[index - 1]) { return nil }
        var end = index + 1
        while end < bytes.count && Self.isIdentifierPart(bytes[end]) && bytes[end] != UInt8(ascii: "$") {
            if end == index + 1 && Self.isDigit(bytes[end]) { return nil }
            end += 1
        }
        guard end < bytes.count, bytes[end] == UInt8(ascii: "$") else { return nil }
        let tag = Array(bytes[index...end])
        let start = index
        let startLine = line
        var cursor = end + 1
        while cursor + tag.count <= bytes.count {
            if bytes[cursor] == UInt8(ascii: "$") && bytes[cursor..<(cursor + tag.count)].elementsEqual(tag) {
                index = cursor + tag.count
                return Token(kind: .quoted, range: start..<index, line: startLine)
            }
            if bytes[cursor] == UInt8(ascii: "\n") { line += 1 }
            cursor += 1
        }
        throw SyntaxError(message: "unterminated dollar-quoted string \(String(decoding: tag, as: UTF8.self))",
                          line: startLine)
    }

    private mutating func skipBlockComment() throws(SyntaxError) {
        let startLine = line
        var depth = 0
        repeat {
            if peek(0) == UInt8(ascii: "/") && peek(1) == UInt8(ascii: "*") {
                depth += 1
                index += 2
            } else if peek(0) == UInt8(ascii: "*") && peek(1) == UInt8(ascii: "/") {
                depth -= 1
                index += 2
            } else if index < bytes.count {
                if bytes[index] == UInt8(ascii: "\n") { line += 1 }
                index += 1
            } else {
                throw SyntaxError(message: "unterminated /* comment", line: startLine)
            }
        } while depth > 0
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    private static func isIdentifierPart(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || isDigit(byte) || byte == UInt8(ascii: "$")
    }
}
