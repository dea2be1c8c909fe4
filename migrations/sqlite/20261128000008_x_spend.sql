-- What X bills, as a ledger Earshot keeps itself. X bills each post or user read once per UTC day and app,
-- however often it is fetched that day, and each write request once. A read's resource is the post or
-- user ID; a write's is the ID of what it made. Prices are not stored here: they are editable, so the cost is
-- worked out from the counts when it is shown.
CREATE TABLE x_ledger (
    -- UTC day, YYYY-MM-DD.
    day        TEXT    NOT NULL,
    -- The X app (its client ID) that X bills.
    app        TEXT    NOT NULL,
    -- post_read | user_read | content_create | content_create_url | dm_create | interaction_create
    kind       TEXT    NOT NULL,
    resource   TEXT    NOT NULL,
    -- The handle that fetched or wrote it first that day. Kept as text so the spend outlives a disconnect.
    handle     TEXT    NOT NULL,
    at         INTEGER NOT NULL,
    PRIMARY KEY (day, app, kind, resource)
) WITHOUT ROWID;
CREATE INDEX x_ledger_by_handle ON x_ledger (handle, day);
