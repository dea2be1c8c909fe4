-- A day's generation is bumped once per transaction, not once per row. A transaction that writes 100,000 items
-- of one day (a bulk import, or moving a workspace in) otherwise updates that day's row 100,000 times, and each
-- update walks the row's growing chain of versions: the write took quadratic time. One bump is all the check
-- needs: a report build that read the old generation sees it changed when this transaction commits.
CREATE OR REPLACE FUNCTION report_days_touch(d BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO report_days (day, gen) VALUES (d, 1)
        ON CONFLICT (day) DO UPDATE SET gen = report_days.gen + 1, facts = NULL
        WHERE NOT (report_days.xmin = xid(pg_current_xact_id()));
$$;
