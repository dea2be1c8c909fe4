-- The agent's day: where each item stands, its SLA timestamps, who holds it, notes, the people on the team,
-- their saved replies, per-handle hours and SLA targets, desktop alerts, and shift handovers.

-- People who answer. In a personal workspace there is one: the person at this desk (workspace key `me`).
CREATE TABLE agents (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    -- A template such as "–{agent.first_name}", added to replies where the handle's policy says so.
    signature   TEXT    NOT NULL DEFAULT '',
    -- agent | lead: escalation can go to a role as well as to a person.
    role        TEXT    NOT NULL DEFAULT 'agent' CHECK (role IN ('agent', 'lead')),
    on_duty     INTEGER NOT NULL DEFAULT 0,
    -- When the shift ends, if the agent said so (Unix ms).
    duty_until  INTEGER,
    created_at  INTEGER NOT NULL,
    CONSTRAINT agents_name_unique UNIQUE (name)
);

-- The handles each agent covers while on duty.
CREATE TABLE agent_handles (
    agent_id  INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    handle_id INTEGER NOT NULL REFERENCES handles (id) ON DELETE CASCADE,
    PRIMARY KEY (agent_id, handle_id)
) WITHOUT ROWID;

-- Where an item stands. `status` stays the inbox's own column: 'open' while the item is in the working list
-- (new or open, and not snoozed), 'done' otherwise; `stage` says which.
ALTER TABLE mentions ADD COLUMN stage TEXT NOT NULL DEFAULT 'new'
    CHECK (stage IN ('new', 'open', 'waiting', 'resolved', 'ignored'));
ALTER TABLE mentions ADD COLUMN snoozed_until INTEGER;
-- Our first reply or direct message that reached the network, and when the item was last resolved: the SLA
-- timers and the reports read these.
ALTER TABLE mentions ADD COLUMN first_response_at INTEGER;
ALTER TABLE mentions ADD COLUMN resolved_at INTEGER;
-- Who holds the item now: a person, or a role it was escalated to.
ALTER TABLE mentions ADD COLUMN assignee_id INTEGER REFERENCES agents (id) ON DELETE SET NULL;
ALTER TABLE mentions ADD COLUMN held_by_role TEXT;
UPDATE mentions SET stage = 'resolved' WHERE status = 'done';
CREATE INDEX mentions_stage ON mentions (stage, snoozed_until);
CREATE INDEX mentions_assignee ON mentions (assignee_id) WHERE assignee_id IS NOT NULL;

-- What happened to an item and who did it: escalations, assignments, stage changes and snoozes.
CREATE TABLE item_events (
    id        INTEGER PRIMARY KEY,
    item_id   INTEGER NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
    at        INTEGER NOT NULL,
    agent_id  INTEGER REFERENCES agents (id) ON DELETE SET NULL,
    -- escalated | assigned | unassigned | stage | snoozed
    kind      TEXT    NOT NULL,
    -- JSON: the details of this kind of event (the note, the person or role, the stage).
    detail    TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX item_events_item ON item_events (item_id, at);

-- Internal notes. Never sent to a network. A note belongs to one item, or to its whole conversation.
CREATE TABLE notes (
    id                INTEGER PRIMARY KEY,
    item_id           INTEGER NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
    network           TEXT    NOT NULL,
    -- Set when the note is about the whole conversation; then every item of it shows the note.
    conversation_root TEXT,
    agent_id          INTEGER REFERENCES agents (id) ON DELETE SET NULL,
    body              TEXT    NOT NULL,
    created_at        INTEGER NOT NULL
);
CREATE INDEX notes_item ON notes (item_id);
CREATE INDEX notes_conversation ON notes (network, conversation_root) WHERE conversation_root IS NOT NULL;

-- Per handle: SLA targets, business hours, quiet hours for alerts, and whether replies are signed.
CREATE TABLE handle_settings (
    handle_id      INTEGER PRIMARY KEY REFERENCES handles (id) ON DELETE CASCADE,
    -- JSON earshot_desk::SlaPolicy
    sla            TEXT    NOT NULL,
    -- JSON earshot_desk::Schedule, or NULL for around the clock
    business_hours TEXT,
    quiet_hours    TEXT,
    sign_replies   INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE saved_replies (
    id          INTEGER PRIMARY KEY,
    title       TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- Which saved reply a reply was written from, so the composer can warn before sending the same one to an
-- author twice.
ALTER TABLE outbox ADD COLUMN saved_reply_id INTEGER REFERENCES saved_replies (id) ON DELETE SET NULL;

-- Desktop alerts, one per item at most. `delivery` is how it reached the person: shown on its own, in a burst
-- summary, held for quiet hours or do-not-disturb, or released in the summary after them.
CREATE TABLE alerts (
    id           INTEGER PRIMARY KEY,
    item_id      INTEGER NOT NULL UNIQUE REFERENCES mentions (id) ON DELETE CASCADE,
    rule_id      TEXT    NOT NULL,
    rule_name    TEXT    NOT NULL,
    why          TEXT    NOT NULL,
    fired_at     INTEGER NOT NULL,
    delivery     TEXT    NOT NULL CHECK (delivery IN ('shown', 'burst', 'held', 'released')),
    delivered_at INTEGER
);
CREATE INDEX alerts_held ON alerts (delivery) WHERE delivery = 'held';
CREATE INDEX alerts_recent ON alerts (delivered_at);

-- Shift handovers: the summary the leaving agent wrote and Earshot gathered, for the next one to read.
CREATE TABLE handovers (
    id         INTEGER PRIMARY KEY,
    agent_id   INTEGER REFERENCES agents (id) ON DELETE SET NULL,
    ended_at   INTEGER NOT NULL,
    -- JSON earshot_desk::Handover
    summary    TEXT    NOT NULL,
    read_by    INTEGER REFERENCES agents (id) ON DELETE SET NULL,
    read_at    INTEGER
);
