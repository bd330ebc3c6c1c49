/// Cuts a migration file into statements at the `;` that end them, as psql and Flyway's PostgreSQL parser do:
/// not inside strings, quoted identifiers, dollar-quoted bodies, comments, or a SQL-standard function body
/// (`BEGIN ATOMIC ... END`) or trigger body (SQLite's `CREATE TRIGGER ... BEGIN ... END`). PostgreSQL needs this because the extended protocol runs one statement at a
/// time, and because statements refused inside a transaction must be found before anything runs.
package enum SQLScriptSplitter {
    package struct SyntaxError: Error, Equatable {
        package var message: String
        package var line: Int
    }

    package static func split(_ sql: String) throws(SyntaxError) -> [SQLStatement] {
        var lexer = SQLLexer(sql)
        var statements: [SQLStatement] = []
        var start: (offset: Int, line: Int)?
        var end = 0
        var atomicDepth = 0
        var previousWord = ""
        var leadingWords: [String] = []

        func emit() {
            guard let begin = start else { return }
            let text = String(decoding: lexer.bytes[begin.offset..<end], as: UTF8.self)
            statements.append(SQLStatement(text: text, line: begin.line))
            start = nil
            leadingWords = []
        }

        do {
            while let token = try lexer.next() {
                if token.kind == .semicolon && atomicDepth == 0 {
                    emit()
                    previousWord = ""
                    continue
                }
                if start == nil { start = (token.range.lowerBound, token.line) }
                end = token.range.upperBound
                guard token.kind == .word else {
                    previousWord = ""
                    continue
                }
                if leadingWords.count < 3 { leadingWords.append(token.upper) }
                let isTrigger = leadingWords.first == "CREATE" && leadingWords.dropFirst().prefix(2).contains("TRIGGER")
                if (token.upper == "ATOMIC" && previousWord == "BEGIN") || (isTrigger && token.upper == "BEGIN") {
                    atomicDepth += 1
                } else if atomicDepth > 0 && token.upper == "CASE" {
                    atomicDepth += 1
                } else if atomicDepth > 0 && token.upper == "END" {
                    atomicDepth -= 1
                }
                previousWord = token.upper
            }
        } catch {
            throw SyntaxError(message: error.message, line: error.line)
        }
        emit()
        return statements
    }

    /// The statement's bare words, uppercased, skipping comments and quoted text: `CREATE`, `INDEX`, ...
    package static func words(of statement: String, limit: Int = 64) -> [String] {
        var lexer = SQLLexer(statement)
        var words: [String] = []
        while words.count < limit, let token = try? lexer.next() {
            if token.kind == .word { words.append(token.upper) }
        }
        return words
    }
}
