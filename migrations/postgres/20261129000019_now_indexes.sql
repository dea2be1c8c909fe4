-- The Now panel and the agent list at scale (a year of 1M mentions with 150,000 still open): each count reads
-- an index instead of visiting the rows.
-- What each agent holds: by holder and stage, so counting needs no row.
DROP INDEX mentions_assignee;
CREATE INDEX mentions_held ON mentions (assignee_id, stage) WHERE assignee_id IS NOT NULL;
-- Open items needing a person, by author (customers with the most open items) and as a list of IDs (per handle).
-- With the ID, so PostgreSQL answers from the index alone (SQLite's indexes carry the row ID anyway).
CREATE INDEX mentions_open_actionable ON mentions (author_id, id) WHERE status = 'open' AND queue = 'actionable';
-- Items in the working list by queue (and their IDs, for the counts per handle).
CREATE INDEX mentions_open_queue ON mentions (queue, id) WHERE status = 'open';
-- Unanswered items by how long they have waited (from when written, or first seen when that was later).
CREATE INDEX mentions_waiting_since
    ON mentions ((CASE WHEN first_seen_at > created_at THEN first_seen_at ELSE created_at END), id)
    WHERE status = 'open' AND queue = 'actionable' AND first_response_at IS NULL;
