-- Idempotency for .NET: the SQLite store's schema (version 1).
-- Placeholders, in braces: "table" is the quoted table name ("idempotency_records"), "expires_index" the quoted name
-- of its purge index, "table_name" the table name as a string literal. Run the whole script in one transaction.
-- status: 0 = in progress, 1 = completed, 2 = failed. Times are Unix milliseconds from the application's clock,
-- never SQLite's. STRICT: a value of the wrong type is refused when written, not discovered when read.
CREATE TABLE IF NOT EXISTS {table} (
    store_key        TEXT    NOT NULL PRIMARY KEY,
    status           INTEGER NOT NULL,
    owner_token      TEXT    NOT NULL,
    fingerprint      TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    lease_expires_at INTEGER NOT NULL,
    expires_at       INTEGER NOT NULL,
    payload          BLOB,
    retryable        INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX IF NOT EXISTS {expires_index} ON {table} (expires_at);

-- The schema version of every store table in this file: the store refuses a table whose version it does not know.
CREATE TABLE IF NOT EXISTS idempotency_schema (
    table_name TEXT    NOT NULL PRIMARY KEY,
    version    INTEGER NOT NULL
) STRICT;

INSERT INTO idempotency_schema (table_name, version) VALUES ({table_name}, 1) ON CONFLICT (table_name) DO NOTHING;
