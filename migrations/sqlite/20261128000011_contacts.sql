-- The built-in CRM: contacts, the keys they are found by, and what agents said about who wrote what.

-- A contact's fields as earshot_crm::ContactFields JSON. `name_key` is the name without accents, case or
-- punctuation, for "same name" suggestions.
CREATE TABLE contacts (
    id         INTEGER PRIMARY KEY,
    fields     TEXT    NOT NULL,
    name_key   TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX contacts_name_key ON contacts (name_key) WHERE name_key IS NOT NULL;

-- Every key a contact is found by, rewritten whenever the contact is saved. `kind` is 'email', 'domain' (a
-- company email domain), a network ('x', 'bluesky', 'mastodon', 'web') for an account, or a CRM
-- ('hubspot', 'salesforce', 'vcard') for an ID there.
CREATE TABLE contact_keys (
    kind       TEXT    NOT NULL,
    key        TEXT    NOT NULL,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    PRIMARY KEY (kind, key, contact_id)
) WITHOUT ROWID;
CREATE INDEX contact_keys_by_contact ON contact_keys (contact_id);

-- What an agent said: this author is (linked = 1) or is not (linked = 0) this contact. These win over every
-- automatic rule. An author has at most one linked row.
CREATE TABLE author_links (
    network    TEXT    NOT NULL,
    handle     TEXT    NOT NULL,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    linked     INTEGER NOT NULL CHECK (linked IN (0, 1)),
    agent      TEXT    NOT NULL,
    at         INTEGER NOT NULL,
    PRIMARY KEY (network, handle, contact_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX author_links_one_link ON author_links (network, handle) WHERE linked = 1;
CREATE INDEX author_links_by_contact ON author_links (contact_id);

-- Links the network verified as the author's own (Mastodon's rel=me fields), as a JSON array.
ALTER TABLE authors ADD COLUMN verified_links TEXT NOT NULL DEFAULT '[]';

-- Live CRMs that contacts are kept in step with: a CardDAV account (all its address books) or HubSpot.
-- Secrets live in the OS keyring, never here. `state` is the connector's JSON (per address book: its sync
-- token and ctag), stored in the same transaction as the records it describes.
CREATE TABLE crm_sources (
    id             INTEGER PRIMARY KEY,
    kind           TEXT    NOT NULL CHECK (kind IN ('carddav', 'hubspot')),
    name           TEXT    NOT NULL,
    url            TEXT    NOT NULL,
    username       TEXT,
    state          TEXT    NOT NULL DEFAULT '{}',
    last_synced_at INTEGER,
    last_error     TEXT,
    next_sync_at   INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL
);

-- Each record a live CRM holds (a card's address, a HubSpot ID), its version, and the contact it became.
CREATE TABLE crm_records (
    source_id  INTEGER NOT NULL REFERENCES crm_sources (id) ON DELETE CASCADE,
    remote_id  TEXT    NOT NULL,
    etag       TEXT,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    fetched_at INTEGER NOT NULL,
    PRIMARY KEY (source_id, remote_id)
) WITHOUT ROWID;
CREATE INDEX crm_records_by_contact ON crm_records (contact_id);
