-- Team mode: how many items each agent takes on at most (claims of the next item and automatic assignment
-- stop there), and an index for finding the next unheld item of a queue in priority order.
ALTER TABLE agents ADD COLUMN cap INTEGER NOT NULL DEFAULT 25 CHECK (cap >= 0);
CREATE INDEX mentions_claimable ON mentions (rank_key DESC, created_at, id)
    WHERE assignee_id IS NULL AND status = 'open' AND queue = 'actionable';
