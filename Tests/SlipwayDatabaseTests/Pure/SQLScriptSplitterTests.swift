import Testing
@testable import SlipwayDatabase

@Suite struct SQLScriptSplitterTests {
    private func texts(_ sql: String) throws -> [String] {
        try SQLScriptSplitter.split(sql).map(\.text)
    }

    @Test func splitsAtSemicolonsAndKeepsLines() throws {
        let statements = try SQLScriptSplitter.split("-- header\nCREATE TABLE a (id int);\n\n  INSERT INTO a VALUES (1);\nSELECT 1")
        #expect(statements.map(\.text) == ["CREATE TABLE a (id int)", "INSERT INTO a VALUES (1)", "SELECT 1"])
        #expect(statements.map(\.line) == [2, 4, 5])
    }

    @Test func semicolonsInsideQuotesAndCommentsDoNotSplit() throws {
        #expect(try texts("INSERT INTO t VALUES ('a;b', 'it''s; fine');") == ["INSERT INTO t VALUES ('a;b', 'it''s; fine')"])
        #expect(try texts("SELECT \"odd;name\" FROM t;") == ["SELECT \"odd;name\" FROM t"])
        #expect(try texts("SELECT 1 /* a; /* nested; */ b; */ + 2;") == ["SELECT 1 /* a; /* nested; */ b; */ + 2"])
        #expect(try texts("SELECT E'it\\'s; escaped';") == ["SELECT E'it\\'s; escaped'"])
        #expect(try texts("SELECT 1; -- trailing; comment\n") == ["SELECT 1"])
    }

    @Test func dollarQuotedBodiesAreOneStatement() throws {
        let function = """
            CREATE FUNCTION touch() RETURNS trigger AS $body$
            BEGIN
                NEW.updated := now(); RETURN NEW;
            END;
            $body$ LANGUAGE plpgsql;
            DO $$ BEGIN PERFORM 1; END $$;
            SELECT $1, a$b$c FROM t;
            """
        let statements = try texts(function)
        #expect(statements.count == 3)
        #expect(statements[0].hasSuffix("$body$ LANGUAGE plpgsql"))
        #expect(statements[1] == "DO $$ BEGIN PERFORM 1; END $$")
    }

    @Test func standardFunctionBodiesAndTriggersAreOneStatement() throws {
        let sql = """
            CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql
            BEGIN ATOMIC
                SELECT CASE WHEN a > 0 THEN a + b ELSE b END;
            END;
            CREATE TRIGGER t AFTER INSERT ON p BEGIN INSERT INTO log VALUES (1); INSERT INTO log VALUES (2); END;
            SELECT 2;
            """
        let statements = try texts(sql)
        #expect(statements.count == 3)
        #expect(statements[0].hasSuffix("END"))
        #expect(statements[1].hasSuffix("INSERT INTO log VALUES (2); END"))
    }

    @Test func unterminatedTextIsAnErrorWithItsLine() {
        #expect(throws: SQLScriptSplitter.SyntaxError(message: "unterminated string", line: 2)) {
            try SQLScriptSplitter.split("SELECT 1;\nSELECT 'oops;\n")
        }
        #expect(throws: SQLScriptSplitter.SyntaxError(message: "unterminated dollar-quoted string $x$", line: 1)) {
            try SQLScriptSplitter.split("DO $x$ BEGIN")
        }
    }
}
