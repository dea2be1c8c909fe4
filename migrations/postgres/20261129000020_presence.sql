-- Who is looking at which item, and who is writing an answer to it: one row per agent, refreshed by their
-- desktop's heartbeat every few seconds. A row older than the freshness window (30 s) means nobody: a desktop
-- that closed or crashed stops beating, and its row goes stale on its own.
CREATE TABLE presence (
    agent_id   BIGINT PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
    mention_id BIGINT REFERENCES mentions (id) ON DELETE CASCADE,
    activity   TEXT   NOT NULL CHECK (activity IN ('viewing', 'composing')),
    seen_at    BIGINT NOT NULL
);
CREATE INDEX presence_on_mention ON presence (mention_id, seen_at);

-- Other desktops hear when someone opens an item, starts or stops writing, or leaves it; not of every
-- heartbeat, which changes only seen_at. (Row-level, so the WHEN clause can compare; identical notices of one
-- transaction still fold into one.)
CREATE TRIGGER presence_notify_arrive_leave AFTER INSERT OR DELETE ON presence
    FOR EACH ROW EXECUTE FUNCTION earshot_notify();
CREATE TRIGGER presence_notify_update AFTER UPDATE ON presence
    FOR EACH ROW
    WHEN (OLD.mention_id IS DISTINCT FROM NEW.mention_id OR OLD.activity IS DISTINCT FROM NEW.activity)
    EXECUTE FUNCTION earshot_notify();
