-- Who is looking at which item, and who is writing an answer to it: one row per agent, refreshed by their
-- desktop's heartbeat every few seconds. A row older than the freshness window (30 s) means nobody: a desktop
-- that closed or crashed stops beating, and its row goes stale on its own.
CREATE TABLE presence (
    agent_id   INTEGER PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
    mention_id INTEGER REFERENCES mentions (id) ON DELETE CASCADE,
    activity   TEXT    NOT NULL CHECK (activity IN ('viewing', 'composing')),
    seen_at    INTEGER NOT NULL
);
CREATE INDEX presence_on_mention ON presence (mention_id, seen_at);
