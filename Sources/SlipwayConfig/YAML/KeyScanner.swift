/// Where the keys of mappings start in the YAML text, read without composing it, so that `DocumentComposer`
/// can rename every repeated key in one pass rather than compose the file once per repetition.
///
/// It reads block mappings (`key: value`, also after `- `), flow mappings (`{ a: 1, b: 2 }`), quoted keys,
/// and steps over comments, quoted text (on one line or several), block scalars (`|`, `>`) and flow
/// collections. Anchored, tagged, explicit (`? `) and complex keys are left out. It is a guess that the
/// composer checks: a position is kept only when the composed tree has a key starting there with the marker
/// put there, so a miss costs one more compose and a wrong guess is undone, never read as the file's content.
struct KeyScanner {
    struct Candidate: Equatable {
        /// Where the key starts (its opening quote, for a quoted key): where libyaml marks it.
        let position: SourcePosition
        /// The index of the scalar a marker may replace: the key's first character.
        let index: Int
        /// The key as written, for finding repetitions; quoted text with escapes keeps its quotes.
        let name: String
    }

    /// The keys after the first of each name: the ones that may repeat a key of their mapping.
    static func repeatedKeys(in text: [Unicode.Scalar]) -> [Candidate] {
        var scanner = KeyScanner(text: text)
        scanner.scan()
        var seen = Set<String>()
        return scanner.found.filter { !seen.insert($0.name).inserted }
    }

    private let text: [Unicode.Scalar]
    private var found: [Candidate] = []
    /// The line being read: its number, the index of its first scalar and of its end (its break, or the text's end).
    private var line = 0
    private var lineStart = 0
    private var lineEnd = 0
    /// State carried from one line to the next.
    private var openQuote: Unicode.Scalar?
    private var blockScalarParent: Int?
    private var flow: [Unicode.Scalar] = []
    private var flowExpectsKey = false

    private init(text: [Unicode.Scalar]) {
        self.text = text
    }

    private mutating func scan() {
        var index = text.first == "\u{FEFF}" ? 1 : 0
        while index <= text.count {
            line += 1
            lineStart = index
            lineEnd = index
            while lineEnd < text.count, !Self.isBreak(text[lineEnd]) { lineEnd += 1 }
            readLine()
            guard lineEnd < text.count else { return }
            index = lineEnd + (text[lineEnd] == "\r" && lineEnd + 1 < text.count && text[lineEnd + 1] == "\n" ? 2 : 1)
        }
    }

    private mutating func readLine() {
        let indent = (lineStart..<lineEnd).first { text[$0] != " " }.map { $0 - lineStart } ?? lineEnd - lineStart
        if let parent = blockScalarParent {
            // A block scalar's content: blank lines and lines indented past its parent.
            if lineStart + indent == lineEnd || indent > parent { return }
            blockScalarParent = nil
        }
        var index = lineStart
        if let quote = openQuote {
            guard let close = closingQuote(quote, from: index) else { return }
            openQuote = nil
            index = close + 1
            if flow.isEmpty { return }  // after a quoted value that spanned lines: only a comment may follow
        }
        if flow.isEmpty {
            readBlockLine(from: lineStart + indent)
        } else {
            readFlow(from: index)
        }
    }

    // MARK: Block context

    private mutating func readBlockLine(from start: Int) {
        var index = start
        guard index < lineEnd else { return }
        if index == lineStart {
            if text[index] == "%" { return }  // a directive
            if isDocumentMarker(at: index) {
                readBlockValue(from: index + 3, parent: -1)
                return
            }
        }
        // `- ` items (also nested, `- - a: 1`); after `? ` or `: ` (explicit keys) nothing is proposed.
        var parent = column(of: index) - 1
        while index < lineEnd, ["-", "?", ":"].contains(text[index]), isBlankOrEnd(index + 1) {
            let explicit = text[index] != "-"
            parent = column(of: index) - 1
            index = skipBlanks(from: index + 1)
            if explicit {
                readBlockValue(from: index, parent: parent)
                return
            }
        }
        readBlockKeyOrValue(from: index, parent: parent)
    }

    private mutating func readBlockKeyOrValue(from index: Int, parent: Int) {
        guard index < lineEnd else { return }
        let first = text[index]
        if first == "\"" || first == "'" {
            guard let close = closingQuote(first, from: index + 1) else {
                openQuote = first
                return
            }
            let colon = skipBlanks(from: close + 1)
            guard colon < lineEnd, text[colon] == ":", isBlankOrEnd(colon + 1) else { return }
            proposeQuoted(opening: index, closing: close)
            readBlockValue(from: colon + 1, parent: column(of: index) - 1)
            return
        }
        guard Self.canStartPlainKey(first) else {
            readBlockValue(from: index, parent: parent)
            return
        }
        var end = index
        while end < lineEnd {
            if text[end] == ":" && isBlankOrEnd(end + 1) {
                proposePlain(from: index, to: end)
                readBlockValue(from: end + 1, parent: column(of: index) - 1)
                return
            }
            if text[end] == "#" && isBlank(end - 1) { return }
            end += 1
        }
    }

    /// A value after `key:` or `- `: what matters is whether it goes on past this line.
    private mutating func readBlockValue(from start: Int, parent: Int) {
        var index = skipBlanks(from: start)
        while index < lineEnd {
            switch text[index] {
            case "\"", "'":
                if closingQuote(text[index], from: index + 1) == nil { openQuote = text[index] }
                return
            case "{", "[":
                readFlow(from: index)
                return
            case "|", ">":
                blockScalarParent = parent
                return
            case "&", "!":
                index = skipBlanks(from: endOfToken(from: index))
            default:
                return  // a comment, an alias, or plain text
            }
        }
    }

    // MARK: Flow context

    private mutating func readFlow(from start: Int) {
        var index = start
        while index < lineEnd {
            let character = text[index]
            switch character {
            case " ", "\t":
                index += 1
                continue
            case "#" where index == lineStart || isBlank(index - 1):
                return
            case "{", "[":
                flow.append(character)
                flowExpectsKey = character == "{"
                index += 1
            case "}", "]":
                _ = flow.popLast()
                flowExpectsKey = false
                index += 1
                if flow.isEmpty { return }  // the rest of the line: a comment
            case ",":
                flowExpectsKey = flow.last == "{"
                index += 1
            case "\"", "'":
                guard let close = closingQuote(character, from: index + 1) else {
                    openQuote = character
                    flowExpectsKey = false
                    return
                }
                let after = skipBlanks(from: close + 1)
                if flowExpectsKey, after < lineEnd, text[after] == ":" { proposeQuoted(opening: index, closing: close) }
                flowExpectsKey = false
                index = close + 1
            case "&", "!", "*", "?", ":":
                flowExpectsKey = false
                index = character == ":" || character == "?" ? index + 1 : endOfToken(from: index)
            default:
                var end = index
                while end < lineEnd, !Self.isFlowIndicator(text[end]),
                      !(text[end] == ":" && (isBlankOrEnd(end + 1) || Self.isFlowIndicator(text[end + 1]))),
                      !(text[end] == "#" && isBlank(end - 1)) {
                    end += 1
                }
                if flowExpectsKey, end < lineEnd, text[end] == ":", Self.canStartPlainKey(character) {
                    proposePlain(from: index, to: end)
                }
                flowExpectsKey = false
                index = max(end, index + 1)
            }
        }
    }

    // MARK: Proposals

    private mutating func proposePlain(from start: Int, to end: Int) {
        var last = end
        while last > start, isBlank(last - 1) { last -= 1 }
        let name = Self.string(text[start..<last])
        guard name != "<<" else { return }  // a merge key keeps its meaning only as written
        found.append(Candidate(position: SourcePosition(line: line, column: column(of: start)), index: start, name: name))
    }

    private mutating func proposeQuoted(opening: Int, closing: Int) {
        let quote = text[opening]
        let first = opening + 1
        // An empty key, or one that starts with an escape, cannot take a marker without changing its meaning.
        guard first < closing, text[first] != "\\", text[first] != quote else { return }
        let content = text[first..<closing]
        let plainSpelling = !content.contains("\\") && !content.contains(quote)
        let name = plainSpelling ? Self.string(content) : Self.string(text[opening...closing])
        found.append(Candidate(position: SourcePosition(line: line, column: column(of: opening)), index: first, name: name))
    }

    // MARK: Reading

    /// The index of the quote that closes quoted text begun before `start`, on this line; nil when it goes on.
    private func closingQuote(_ quote: Unicode.Scalar, from start: Int) -> Int? {
        var index = start
        while index < lineEnd {
            if quote == "\"" && text[index] == "\\" {
                index += 2
                continue
            }
            if text[index] == quote {
                if quote == "'" && index + 1 < lineEnd && text[index + 1] == "'" {
                    index += 2
                    continue
                }
                return index
            }
            index += 1
        }
        return nil
    }

    private func isDocumentMarker(at index: Int) -> Bool {
        guard index + 3 <= lineEnd else { return false }
        let marker = text[index..<index + 3]
        return (marker.allSatisfy { $0 == "-" } || marker.allSatisfy { $0 == "." }) && isBlankOrEnd(index + 3)
    }

    private func endOfToken(from start: Int) -> Int {
        var index = start + 1
        while index < lineEnd, !isBlank(index), !Self.isFlowIndicator(text[index]) { index += 1 }
        return index
    }

    private func skipBlanks(from start: Int) -> Int {
        var index = start
        while index < lineEnd, isBlank(index) { index += 1 }
        return index
    }

    private func isBlank(_ index: Int) -> Bool {
        index >= lineStart && index < lineEnd && (text[index] == " " || text[index] == "\t")
    }

    private func isBlankOrEnd(_ index: Int) -> Bool {
        index >= lineEnd || isBlank(index)
    }

    /// Columns from 1 in scalars, as libyaml counts them (a leading byte-order mark is not counted).
    private func column(of index: Int) -> Int {
        index - lineStart + 1
    }

    private static func canStartPlainKey(_ scalar: Unicode.Scalar) -> Bool {
        !"-?:,[]{}#&*!|>'\"%@` \t\u{FEFF}".unicodeScalars.contains(scalar)
    }

    private static func isFlowIndicator(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "," || scalar == "[" || scalar == "]" || scalar == "{" || scalar == "}"
    }

    static func isBreak(_ scalar: Unicode.Scalar) -> Bool {
        ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"].contains(scalar)
    }

    private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}
