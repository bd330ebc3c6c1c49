import Foundation

/// One statement of a migration file and where it starts, for error messages (`V3__x.sql:12`).
package struct SQLStatement: Sendable, Equatable {
    package var text: String
    /// 1-based line of the statement's first character in its file.
    package var line: Int

    package init(text: String, line: Int) {
        self.text = text
        self.line = line
    }

    /// The statement cut to a length that reads well inside an error message.
    package var excerpt: String {
        let oneLine = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: " ")
        return oneLine.count > 200 ? String(oneLine.prefix(200)) + "…" : oneLine
    }
}
