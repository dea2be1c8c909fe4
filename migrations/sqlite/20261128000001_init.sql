-- Earshot's first schema. Times are Unix milliseconds (UTC) so they sort and compare as integers.

-- The brand's own accounts.
CREATE TABLE handles (
    id           INTEGER PRIMARY KEY,
    network      TEXT    NOT NULL,
    account      TEXT    NOT NULL,
    role         TEXT    NOT NULL CHECK (role IN ('support', 'marketing', 'other')),
    display_name TEXT,
    CONSTRAINT handles_account_unique UNIQUE (network, account)
);

-- Everyone who writes to or about the brand, as last seen.
CREATE TABLE authors (
    id           INTEGER PRIMARY KEY,
    network      TEXT    NOT NULL,
    handle       TEXT    NOT NULL,
    display_name TEXT,
    followers    INTEGER NOT NULL DEFAULT 0,
    verified     INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER,
    profile_url  TEXT,
    CONSTRAINT authors_handle_unique UNIQUE (network, handle)
);

-- One row per post: the post and its inbox item. (network, remote_id) is the dedupe key.
CREATE TABLE mentions (
    id                INTEGER PRIMARY KEY,
    network           TEXT    NOT NULL,
    remote_id         TEXT    NOT NULL,
    url               TEXT,
    author_id         INTEGER NOT NULL REFERENCES authors (id),
    text              TEXT    NOT NULL,
    facets            TEXT    NOT NULL DEFAULT '[]',
    created_at        INTEGER NOT NULL,
    first_seen_at     INTEGER NOT NULL,
    reply_to          TEXT,
    quote_of          TEXT,
    conversation_root TEXT    NOT NULL,
    status            TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    -- Priority: the time-free sort key and the waiting rate it was built with (see core::priority).
    rank_key          REAL    NOT NULL,
    waiting_per_hour  REAL    NOT NULL,
    reasons           TEXT    NOT NULL DEFAULT '[]',
    CONSTRAINT mentions_remote_unique UNIQUE (network, remote_id)
);
CREATE INDEX mentions_inbox_order ON mentions (status, rank_key DESC, created_at ASC);
CREATE INDEX mentions_rank_order ON mentions (rank_key DESC, created_at ASC);
CREATE INDEX mentions_thread ON mentions (network, conversation_root, created_at);

-- Which of our handles an item belongs to. A post that mentions two of our handles has two rows here.
CREATE TABLE mention_handles (
    mention_id INTEGER NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
    handle_id  INTEGER NOT NULL REFERENCES handles (id) ON DELETE CASCADE,
    PRIMARY KEY (mention_id, handle_id)
) WITHOUT ROWID;
CREATE INDEX mention_handles_by_handle ON mention_handles (handle_id, mention_id);

-- Full-text search over mention text and author names; rowid is mentions.id.
CREATE VIRTUAL TABLE mentions_fts USING fts5 (text, author, tokenize = 'unicode61 remove_diacritics 2');

-- Small facts about the workspace, such as whether it holds the demo.
CREATE TABLE workspace (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
