import GRDB

/// The state database's schema, versioned with GRDB's migrator so an older `.slipway/state.db`
/// upgrades in place.
enum StateSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "release") { t in
                t.column("service", .text).notNull()
                t.column("id", .text).notNull()
                t.column("created_at", .double).notNull()
                t.column("record", .blob).notNull()
                t.primaryKey(["service", "id"])
            }
            try db.create(table: "deployment") { t in
                t.column("id", .text).primaryKey()
                t.column("service", .text).notNull().indexed()
                t.column("started_at", .double).notNull().indexed()
                t.column("outcome", .text).notNull()
                t.column("record", .blob).notNull()
            }
            try db.create(table: "deployment_log") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("deployment", .text).notNull().indexed()
                t.column("text", .text).notNull()
            }
            try db.create(table: "active_release") { t in
                t.column("service", .text).primaryKey()
                t.column("record", .blob).notNull()
            }
            try db.create(table: "audit") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("at", .double).notNull()
                t.column("actor", .text).notNull()
                t.column("action", .text).notNull()
                t.column("service", .text).indexed()
                t.column("deployment", .text)
                t.column("detail", .text).notNull()
            }
            // The audit trail is append-only: the database itself refuses to change or delete a line.
            try db.execute(sql: """
                CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
                BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
                BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                """)
        }
        // Every piece of per-service state is keyed by (environment, service). The rows written
        // before environments existed are the default environment's; none is lost or rewritten
        // but for the copy that gives release and active_release their wider primary keys.
        migrator.registerMigration("v2-environments") { db in
            try db.execute(sql: """
                CREATE TABLE release_v2 (
                    environment TEXT NOT NULL DEFAULT 'default', service TEXT NOT NULL, id TEXT NOT NULL,
                    created_at DOUBLE NOT NULL, record BLOB NOT NULL, PRIMARY KEY (environment, service, id));
                INSERT INTO release_v2 (environment, service, id, created_at, record)
                    SELECT 'default', service, id, created_at, record FROM release;
                DROP TABLE release;
                ALTER TABLE release_v2 RENAME TO release;

                CREATE TABLE active_release_v2 (
                    environment TEXT NOT NULL DEFAULT 'default', service TEXT NOT NULL, record BLOB NOT NULL,
                    PRIMARY KEY (environment, service));
                INSERT INTO active_release_v2 (environment, service, record) SELECT 'default', service, record FROM active_release;
                DROP TABLE active_release;
                ALTER TABLE active_release_v2 RENAME TO active_release;

                ALTER TABLE deployment ADD COLUMN environment TEXT NOT NULL DEFAULT 'default';
                CREATE INDEX deployment_on_environment_service ON deployment(environment, service);

                ALTER TABLE audit ADD COLUMN environment TEXT NOT NULL DEFAULT 'default';
                CREATE INDEX audit_on_environment_service ON audit(environment, service);
                """)
        }
        // Freezes of environments (`slipway freeze`): one row per frozen environment, so a freeze
        // survives restarts; `unfreeze` deletes it (the audit trail keeps both).
        migrator.registerMigration("v3-freezes") { db in
            try db.execute(sql: """
                CREATE TABLE freeze (environment TEXT PRIMARY KEY NOT NULL, record BLOB NOT NULL);
                """)
        }
        // The TCP API's bearer tokens: the SHA-256 of each, never the value (docs/RECORDS.md).
        migrator.registerMigration("v3-api-tokens") { db in
            try db.create(table: "api_token") { t in
                t.column("name", .text).primaryKey()
                t.column("role", .text).notNull()
                t.column("hash", .blob).notNull().unique()
                t.column("created_at", .double).notNull()
                t.column("created_by", .text).notNull()
                t.column("last_used_at", .double)
            }
        }
        // The GitHub webhook's delivery ids (`X-GitHub-Delivery`): a delivery GitHub sends again
        // (a retry, "Redeliver") is answered without running twice.
        migrator.registerMigration("v4-webhook-deliveries") { db in
            try db.execute(sql: """
                CREATE TABLE webhook_delivery (id TEXT PRIMARY KEY NOT NULL, event TEXT NOT NULL, received_at DOUBLE NOT NULL);
                CREATE INDEX webhook_delivery_on_received_at ON webhook_delivery(received_at);
                """)
        }
        return migrator
    }
}
