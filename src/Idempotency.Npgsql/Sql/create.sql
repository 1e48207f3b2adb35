-- Idempotency for .NET: the PostgreSQL store's table (format 1).
-- Placeholders, in braces: "table" is the schema-qualified, quoted table name ("public"."idempotency_records"),
-- "expires_index" the quoted name of the purge index ("idempotency_records_expires_at_idx"). The schema must exist.
-- status: 0 = in progress, 1 = completed, 2 = failed. Times are written from the application's clock.
CREATE TABLE IF NOT EXISTS {table} (
    store_key        text COLLATE "C" NOT NULL,
    status           smallint         NOT NULL,
    owner_token      text             NOT NULL,
    fingerprint      text             NOT NULL,
    created_at       timestamptz      NOT NULL,
    lease_expires_at timestamptz      NOT NULL,
    expires_at       timestamptz      NOT NULL,
    payload          bytea,
    retryable        boolean          NOT NULL DEFAULT false,
    PRIMARY KEY (store_key)
);

CREATE INDEX IF NOT EXISTS {expires_index} ON {table} (expires_at);
