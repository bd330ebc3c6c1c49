/// `slipway_schema_history`: Flyway's `flyway_schema_history` under our name, with Flyway's columns and
/// types per dialect, so a history Flyway wrote can be renamed and used (and back).
enum SchemaHistoryTable {
    static let name = "slipway_schema_history"

    static let postgresCreate = """
        CREATE TABLE IF NOT EXISTS slipway_schema_history (
            installed_rank INTEGER NOT NULL,
            version VARCHAR(50),
            description VARCHAR(200) NOT NULL,
            type VARCHAR(20) NOT NULL,
            script VARCHAR(1000) NOT NULL,
            checksum INTEGER,
            installed_by VARCHAR(100) NOT NULL,
            installed_on TIMESTAMP NOT NULL DEFAULT now(),
            execution_time INTEGER NOT NULL,
            success BOOLEAN NOT NULL,
            CONSTRAINT slipway_schema_history_pk PRIMARY KEY (installed_rank)
        )
        """
    static let postgresIndex = "CREATE INDEX IF NOT EXISTS slipway_schema_history_s_idx ON slipway_schema_history (success)"

    static let sqliteCreate = """
        CREATE TABLE IF NOT EXISTS "slipway_schema_history" (
            "installed_rank" INT NOT NULL PRIMARY KEY,
            "version" VARCHAR(50),
            "description" VARCHAR(200) NOT NULL,
            "type" VARCHAR(20) NOT NULL,
            "script" VARCHAR(1000) NOT NULL,
            "checksum" INT,
            "installed_by" VARCHAR(100) NOT NULL,
            "installed_on" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),
            "execution_time" INT NOT NULL,
            "success" BOOLEAN NOT NULL
        );
        CREATE INDEX IF NOT EXISTS "slipway_schema_history_s_idx" ON "slipway_schema_history" ("success");
        """

    static let columns = "installed_rank, version, description, type, script, checksum, installed_by, installed_on, execution_time, success"

    /// Flyway's column widths: longer text would fail the insert, so it is cut as Flyway's own tools do.
    static func fit(_ text: String, _ width: Int) -> String { text.count > width ? String(text.prefix(width)) : text }
}
