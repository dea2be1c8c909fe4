-- Reports: the facts of each UTC day (its mentions with their work times and SLA outcomes, and the actions sent),
-- kept encoded so a year's report reads 365 rows instead of a million. `gen` counts the changes to a day: every
-- change to a mention, its handles or a sent action bumps it and drops the day's facts, and facts built from an
-- older generation are never stored (see crates/engine/src/report_days.rs). `policy` fingerprints the SLA
-- settings the facts were worked out with.
CREATE TABLE report_days (
    day    INTEGER PRIMARY KEY,
    gen    INTEGER NOT NULL DEFAULT 0,
    policy TEXT,
    facts  BLOB
);

CREATE TRIGGER report_days_mention_insert AFTER INSERT ON mentions BEGIN
    INSERT INTO report_days (day, gen) VALUES (NEW.created_at / 86400000, 1)
        ON CONFLICT (day) DO UPDATE SET gen = gen + 1, facts = NULL;
END;

CREATE TRIGGER report_days_mention_delete AFTER DELETE ON mentions BEGIN
    INSERT INTO report_days (day, gen) VALUES (OLD.created_at / 86400000, 1)
        ON CONFLICT (day) DO UPDATE SET gen = gen + 1, facts = NULL;
END;

CREATE TRIGGER report_days_mention_update
    AFTER UPDATE OF network, created_at, first_seen_at, queue, intent, stage, first_response_at, resolved_at,
                    assignee_id ON mentions
    WHEN OLD.network IS NOT NEW.network OR OLD.created_at IS NOT NEW.created_at
      OR OLD.first_seen_at IS NOT NEW.first_seen_at OR OLD.queue IS NOT NEW.queue OR OLD.intent IS NOT NEW.intent
      OR OLD.stage IS NOT NEW.stage OR OLD.first_response_at IS NOT NEW.first_response_at
      OR OLD.resolved_at IS NOT NEW.resolved_at OR OLD.assignee_id IS NOT NEW.assignee_id BEGIN
    INSERT INTO report_days (day, gen) VALUES (OLD.created_at / 86400000, 1)
        ON CONFLICT (day) DO UPDATE SET gen = gen + 1, facts = NULL;
    INSERT INTO report_days (day, gen) VALUES (NEW.created_at / 86400000, 1)
        ON CONFLICT (day) DO UPDATE SET gen = gen + 1, facts = NULL;
END;

CREATE TRIGGER report_days_handle_insert AFTER INSERT ON mention_handles BEGIN
    INSERT INTO report_days (day, gen) SELECT created_at / 86400000, 1 FROM mentions WHERE id = NEW.mention_id
        ON CONFLICT (day) DO UPDATE SET gen = gen + 1, facts = NULL;
END;

CREATE TRIGGER report_days_handle_delete AFTER DELETE ON mention_handles BEGIN
    INSERT INTO report_days (day, gen) SELECT created_at / 86400000, 1 FROM mentions WHERE id = OLD.mention_id
        ON CONFLICT (day) DO UPDATE SET gen = gen + 1, facts = NULL;
END;

CREATE TRIGGER report_days_sent_insert AFTER INSERT ON outbox WHEN NEW.sent_at IS NOT NULL BEGIN
    INSERT INTO report_days (day, gen) VALUES (NEW.sent_at / 86400000, 1)
        ON CONFLICT (day) DO UPDATE SET gen = gen + 1, facts = NULL;
END;

CREATE TRIGGER report_days_sent_update AFTER UPDATE OF state, sent_at ON outbox
    WHEN NEW.sent_at IS NOT NULL OR OLD.sent_at IS NOT NULL BEGIN
    INSERT INTO report_days (day, gen) SELECT OLD.sent_at / 86400000, 1 WHERE OLD.sent_at IS NOT NULL
        ON CONFLICT (day) DO UPDATE SET gen = gen + 1, facts = NULL;
    INSERT INTO report_days (day, gen) SELECT NEW.sent_at / 86400000, 1 WHERE NEW.sent_at IS NOT NULL
        ON CONFLICT (day) DO UPDATE SET gen = gen + 1, facts = NULL;
END;

CREATE TRIGGER report_days_sent_delete AFTER DELETE ON outbox WHEN OLD.sent_at IS NOT NULL BEGIN
    INSERT INTO report_days (day, gen) VALUES (OLD.sent_at / 86400000, 1)
        ON CONFLICT (day) DO UPDATE SET gen = gen + 1, facts = NULL;
END;
