/// A PostgreSQL migration cut into statements, and whether it runs inside a transaction.
///
/// As Flyway (with `mixed` off): a migration runs in one transaction unless it holds a statement
/// PostgreSQL refuses inside one; then every statement of it runs alone, outside any transaction, and it
/// must hold only such statements, so that a failure never leaves half a transactional change behind.
package struct PostgresMigrationSteps: Sendable, Equatable {
    package var statements: [SQLStatement]
    package var runsInTransaction: Bool

    package init(statements: [SQLStatement], runsInTransaction: Bool) {
        self.statements = statements
        self.runsInTransaction = runsInTransaction
    }

    /// The steps, or the issue that makes the file unrunnable.
    package static func analyze(_ script: MigrationScript, serverVersion: Int) -> Result<Self, ValidationIssue> {
        let statements: [SQLStatement]
        do {
            statements = try SQLScriptSplitter.split(script.sql)
        } catch {
            return .failure(ValidationIssue(.unparsable, script: script.script,
                                            "\(script.script):\(error.line): \(error.message)"))
        }
        if let control = statements.first(where: { TransactionRules.isTransactionControl($0.text) }) {
            return .failure(ValidationIssue(.transactionControl, script: script.script,
                "\(script.script):\(control.line): `\(control.excerpt)`: Slipway runs each migration in its own transaction; remove transaction control from the file"))
        }
        let outside = statements.filter { TransactionRules.postgresRefusesInTransaction($0.text, serverVersion: serverVersion) }
        guard let first = outside.first else {
            return .success(PostgresMigrationSteps(statements: statements, runsInTransaction: true))
        }
        if outside.count != statements.count,
           let inside = statements.first(where: { !TransactionRules.postgresRefusesInTransaction($0.text, serverVersion: serverVersion) }) {
            return .failure(ValidationIssue(.mixedTransaction, script: script.script,
                "\(script.script):\(first.line): `\(first.excerpt)` must run outside a transaction, but line \(inside.line) (`\(inside.excerpt)`) must run inside one; move it to a migration of its own"))
        }
        return .success(PostgresMigrationSteps(statements: statements, runsInTransaction: false))
    }
}
