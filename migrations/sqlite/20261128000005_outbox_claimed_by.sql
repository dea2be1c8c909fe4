-- Which process holds an outbox claim (its lock file under workers/), so a claim left by a process that
-- was killed can be taken over at once instead of waiting for it to expire.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
