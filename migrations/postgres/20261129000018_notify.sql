-- Team mode, live: every statement that changes the shared inbox tells every listening desktop which table
-- changed (LISTEN earshot_changes), so new items, claims and status changes show within a second. One
-- notice per statement and table: PostgreSQL folds identical notices of one transaction into one, so a
-- thousand-row import is one notice, not a thousand. SQLite has one process and needs none of this.
CREATE FUNCTION earshot_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('earshot_changes', TG_TABLE_NAME);
    RETURN NULL;
END $$;

CREATE TRIGGER mentions_notify AFTER INSERT OR UPDATE OR DELETE ON mentions
    FOR EACH STATEMENT EXECUTE FUNCTION earshot_notify();
CREATE TRIGGER outbox_notify AFTER INSERT OR UPDATE OR DELETE ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION earshot_notify();
CREATE TRIGGER notes_notify AFTER INSERT OR UPDATE OR DELETE ON notes
    FOR EACH STATEMENT EXECUTE FUNCTION earshot_notify();
CREATE TRIGGER agents_notify AFTER INSERT OR UPDATE OR DELETE ON agents
    FOR EACH STATEMENT EXECUTE FUNCTION earshot_notify();
CREATE TRIGGER accounts_notify AFTER INSERT OR UPDATE OR DELETE ON accounts
    FOR EACH STATEMENT EXECUTE FUNCTION earshot_notify();
