-- Connected accounts and where each one's ingest has got to. Secrets are never stored here: they live in the
-- OS keyring, keyed by the account's ID.

CREATE TABLE accounts (
    id                  INTEGER PRIMARY KEY,
    handle_id           INTEGER NOT NULL UNIQUE REFERENCES handles (id) ON DELETE CASCADE,
    -- The server to talk to: a Mastodon instance or a Bluesky PDS.
    service_url         TEXT    NOT NULL,
    -- healthy | syncing | rate_limited | token_invalid | unreachable
    state               TEXT    NOT NULL DEFAULT 'healthy',
    -- What went wrong last, in words for a person; NULL when healthy.
    problem             TEXT,
    rate_limited_until  INTEGER,
    last_sync_at        INTEGER,
    created_at          INTEGER NOT NULL
);

-- One cursor per account and source (notifications, a keyword search...). Written in the same transaction
-- as the mentions it covers, so a crash leaves neither a gap nor a duplicate.
CREATE TABLE cursors (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    source     TEXT    NOT NULL,
    cursor     TEXT    NOT NULL,
    PRIMARY KEY (account_id, source)
) WITHOUT ROWID;
