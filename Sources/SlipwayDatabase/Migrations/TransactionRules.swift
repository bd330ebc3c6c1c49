/// Which statements a migration may hold, given that Slipway runs each migration in its own transaction.
package enum TransactionRules {
    /// Statements PostgreSQL refuses inside a transaction block ("cannot run inside a transaction block"),
    /// the list Flyway's PostgreSQL parser keeps: CREATE/DROP DATABASE, TABLESPACE and SUBSCRIPTION,
    /// ALTER SYSTEM, CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY or of a schema, database or the
    /// system, VACUUM, DISCARD ALL, CLUSTER of every table, DETACH PARTITION CONCURRENTLY, and
    /// ALTER TYPE ... ADD VALUE before PostgreSQL 12.
    package static func postgresRefusesInTransaction(_ statement: String, serverVersion: Int) -> Bool {
        let w = SQLScriptSplitter.words(of: statement)
        func at(_ i: Int) -> String { i < w.count ? w[i] : "" }
        switch at(0) {
        case "VACUUM":
            return true
        case "CREATE", "DROP":
            if ["DATABASE", "TABLESPACE", "SUBSCRIPTION"].contains(at(1)) { return true }
            let index = at(1) == "UNIQUE" ? 2 : 1
            return at(index) == "INDEX" && at(index + 1) == "CONCURRENTLY"
        case "REINDEX":
            let target = at(1) == "VERBOSE" ? 2 : 1
            return w.contains("CONCURRENTLY") || ["SCHEMA", "DATABASE", "SYSTEM"].contains(at(target))
        case "ALTER":
            if at(1) == "SYSTEM" { return true }
            if at(1) == "TYPE" && serverVersion < 120_000 { return w.contains("ADD") && w.contains("VALUE") }
            if at(1) == "TABLE" { return w.contains("DETACH") && w.last == "CONCURRENTLY" }
            return false
        case "DISCARD":
            return at(1) == "ALL"
        case "CLUSTER":
            return w.count == 1 || (w.count == 2 && at(1) == "VERBOSE")
        default:
            return false
        }
    }

    /// BEGIN, COMMIT, ROLLBACK and friends: they would end the transaction Slipway wraps the migration in
    /// (and with it the history row's guarantee), so they are refused in a migration file.
    package static func isTransactionControl(_ statement: String) -> Bool {
        let w = SQLScriptSplitter.words(of: statement, limit: 3)
        switch w.first {
        case "BEGIN": return w.count < 2 || w[1] != "ATOMIC"
        case "START", "PREPARE": return w.count > 1 && w[1] == "TRANSACTION"
        case "COMMIT", "END", "ABORT": return true
        case "ROLLBACK": return !w.contains("TO")
        default: return false
        }
    }
}
