-- Bluesky accounts, brand keyword searches, the author profile cache, and the durable outbox.

-- The account's own ID on its network (a Bluesky DID, a Mastodon account ID): the handle can change, this
-- does not. Not a secret.
ALTER TABLE accounts ADD COLUMN remote_user TEXT;
-- Brand keywords searched for this account, as a JSON array of strings.
ALTER TABLE accounts ADD COLUMN keywords TEXT NOT NULL DEFAULT '[]';

-- What a profile lookup said of an author (followers, account age, verification), so each author is looked
-- up at most once a day however often they post.
CREATE TABLE author_profiles (
    network     TEXT    NOT NULL,
    remote_user TEXT    NOT NULL,
    followers   INTEGER NOT NULL,
    verified    INTEGER NOT NULL,
    created_at  INTEGER,
    fetched_at  INTEGER NOT NULL,
    PRIMARY KEY (network, remote_user)
) WITHOUT ROWID;

-- Every outgoing action is a row here before anything is sent. The key is chosen once and sent with every
-- try (Mastodon's Idempotency-Key header, Bluesky's record key), so a retry after a crash cannot post twice.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT    NOT NULL UNIQUE,
    account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    item_id         INTEGER REFERENCES mentions (id) ON DELETE SET NULL,
    -- reply | boost | like | dm
    kind            TEXT    NOT NULL,
    -- The post acted on, by its remote ID (a Bluesky at:// URI, a Mastodon status URI).
    target          TEXT    NOT NULL,
    -- The text of a reply or direct message, already signed.
    body            TEXT,
    -- Who asked for it, as the person is named in the app.
    requested_by    TEXT,
    -- pending | sent | failed
    state           TEXT    NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    -- A sender holds a row until this time; a sender that died lets it go when the time passes.
    claimed_until   INTEGER,
    last_error      TEXT,
    -- What the network made of it: the new post's ID and public address.
    result_id       TEXT,
    result_url      TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);

CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_item ON outbox (item_id);
