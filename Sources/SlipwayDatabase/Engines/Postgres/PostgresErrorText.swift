import PostgresNIO

/// What PostgreSQL said, in one line: PSQLError's own description hides the server's message on purpose.
enum PostgresErrorText {
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return String(describing: error) }
        if let info = error.serverInfo {
            var text = "\(info[.severity] ?? "ERROR"): \(info[.message] ?? "(no message)")"
            if let detail = info[.detail] { text += ". \(detail)" }
            if let hint = info[.hint] { text += " Hint: \(hint)" }
            if let state = info[.sqlState] { text += " (SQLSTATE \(state))" }
            return text
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }

    /// The SQLSTATE of a server error, for the few the code reacts to.
    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }
}
