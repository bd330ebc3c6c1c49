import Testing
@testable import SlipwayDatabase

@Suite struct TransactionRulesTests {
    @Test(arguments: [
        "CREATE INDEX CONCURRENTLY i ON t (c)",
        "create unique index concurrently if not exists i on t (c)",
        "DROP INDEX CONCURRENTLY i",
        "REINDEX INDEX CONCURRENTLY i",
        "REINDEX DATABASE app",
        "VACUUM ANALYZE t",
        "CREATE DATABASE other",
        "DROP TABLESPACE space",
        "ALTER SYSTEM SET work_mem = '64MB'",
        "/* why */ CREATE INDEX CONCURRENTLY i ON t (c)",
        "ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY",
        "DISCARD ALL",
        "CLUSTER",
    ])
    func postgresRefusesTheseInATransaction(_ statement: String) {
        #expect(TransactionRules.postgresRefusesInTransaction(statement, serverVersion: 150_000))
    }

    @Test(arguments: [
        "CREATE INDEX i ON t (c)",
        "CREATE TABLE concurrently (id int)",
        "ALTER TYPE mood ADD VALUE 'meh'",
        "INSERT INTO t VALUES ('CREATE INDEX CONCURRENTLY')",
        "CLUSTER t USING i",
        "ALTER TABLE p DETACH PARTITION p1",
    ])
    func postgresRunsTheseInATransaction(_ statement: String) {
        #expect(!TransactionRules.postgresRefusesInTransaction(statement, serverVersion: 150_000))
    }

    @Test func addingAnEnumValueNeedsNoTransactionBeforePostgres12() {
        #expect(TransactionRules.postgresRefusesInTransaction("ALTER TYPE mood ADD VALUE 'meh'", serverVersion: 110_000))
    }

    @Test(arguments: ["BEGIN", "begin transaction", "COMMIT", "END", "ROLLBACK", "START TRANSACTION", "ABORT"])
    func transactionControlIsFound(_ statement: String) {
        #expect(TransactionRules.isTransactionControl(statement))
    }

    @Test(arguments: ["ROLLBACK TO SAVEPOINT a", "SAVEPOINT a", "BEGIN ATOMIC SELECT 1; END", "SELECT 'COMMIT'"])
    func otherStatementsAreNotTransactionControl(_ statement: String) {
        #expect(!TransactionRules.isTransactionControl(statement))
    }

    @Test func aMigrationMixingBothIsRefusedAndAPureOneRunsOutside() throws {
        func script(_ sql: String) -> MigrationScript {
            MigrationScript(kind: .versioned, version: MigrationVersion("1"), description: "x", script: "V1__x.sql",
                            path: "/m/V1__x.sql", checksum: 0, sql: sql)
        }
        let mixed = PostgresMigrationSteps.analyze(script("CREATE TABLE t (c int);\nCREATE INDEX CONCURRENTLY i ON t (c);"),
                                                   serverVersion: 150_000)
        guard case .failure(let issue) = mixed else { Issue.record("mixed migration accepted"); return }
        #expect(issue.kind == .mixedTransaction)
        #expect(issue.message.hasPrefix("V1__x.sql:2: `CREATE INDEX CONCURRENTLY i ON t (c)` must run outside a transaction, but line 1"))

        let pure = PostgresMigrationSteps.analyze(script("CREATE INDEX CONCURRENTLY i ON t (c);\nVACUUM t;"), serverVersion: 150_000)
        #expect(try pure.get() == PostgresMigrationSteps(statements: [
            SQLStatement(text: "CREATE INDEX CONCURRENTLY i ON t (c)", line: 1), SQLStatement(text: "VACUUM t", line: 2),
        ], runsInTransaction: false))
    }
}
