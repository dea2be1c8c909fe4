-- Reports: the facts of each UTC day (its mentions with their work times and SLA outcomes, and the actions sent),
-- kept encoded so a year's report reads 365 rows instead of a million. `gen` counts the changes to a day: every
-- change to a mention, its handles or a sent action bumps it and drops the day's facts, and facts built from an
-- older generation are never stored (see crates/engine/src/report_days.rs). `policy` fingerprints the SLA
-- settings the facts were worked out with.
CREATE TABLE report_days (
    day    BIGINT PRIMARY KEY,
    gen    BIGINT NOT NULL DEFAULT 0,
    policy TEXT,
    facts  BYTEA
);

CREATE FUNCTION report_days_touch(d BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO report_days (day, gen) VALUES (d, 1)
        ON CONFLICT (day) DO UPDATE SET gen = report_days.gen + 1, facts = NULL;
$$;

CREATE FUNCTION report_days_mention() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (OLD.network, OLD.created_at, OLD.first_seen_at, OLD.queue, OLD.intent, OLD.stage, OLD.first_response_at,
            OLD.resolved_at, OLD.assignee_id)
           IS NOT DISTINCT FROM
           (NEW.network, NEW.created_at, NEW.first_seen_at, NEW.queue, NEW.intent, NEW.stage, NEW.first_response_at,
            NEW.resolved_at, NEW.assignee_id) THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN PERFORM report_days_touch(OLD.created_at / 86400000); END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR OLD.created_at / 86400000 <> NEW.created_at / 86400000) THEN
        PERFORM report_days_touch(NEW.created_at / 86400000);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER report_days_mention AFTER INSERT OR DELETE
    OR UPDATE OF network, created_at, first_seen_at, queue, intent, stage, first_response_at, resolved_at, assignee_id
    ON mentions FOR EACH ROW EXECUTE FUNCTION report_days_mention();

CREATE FUNCTION report_days_mention_handle() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    written BIGINT;
BEGIN
    SELECT created_at INTO written FROM mentions
     WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.mention_id ELSE NEW.mention_id END;
    IF written IS NOT NULL THEN PERFORM report_days_touch(written / 86400000); END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER report_days_mention_handle AFTER INSERT OR DELETE ON mention_handles
    FOR EACH ROW EXECUTE FUNCTION report_days_mention_handle();

CREATE FUNCTION report_days_sent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.sent_at IS NOT NULL THEN PERFORM report_days_touch(OLD.sent_at / 86400000); END IF;
    IF TG_OP <> 'DELETE' AND NEW.sent_at IS NOT NULL THEN PERFORM report_days_touch(NEW.sent_at / 86400000); END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER report_days_sent AFTER INSERT OR DELETE OR UPDATE OF state, sent_at ON outbox
    FOR EACH ROW EXECUTE FUNCTION report_days_sent();
