-- Team mode: automatic assignment, per queue. `mode` is off, round_robin or least_loaded; `last_agent_id` is who
-- got the queue's previous item, where the next turn starts. A queue without a row is off.
CREATE TABLE assignment_rules (
    queue         TEXT PRIMARY KEY CHECK (queue IN ('support', 'marketing')),
    mode          TEXT NOT NULL CHECK (mode IN ('off', 'round_robin', 'least_loaded')),
    last_agent_id BIGINT
);
