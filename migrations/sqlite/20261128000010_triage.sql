-- Triage: what the models, or an agent, say about each item (core::triage::Labels as JSON; NULL until the
-- item has been triaged), and the queue and intent drawn from it, so that the views are plain index scans.
ALTER TABLE mentions ADD COLUMN labels TEXT;
ALTER TABLE mentions ADD COLUMN queue TEXT NOT NULL DEFAULT 'actionable'
    CHECK (queue IN ('actionable', 'spam', 'other'));
ALTER TABLE mentions ADD COLUMN intent TEXT CHECK (intent IN ('complaint', 'question', 'praise', 'other'));
CREATE INDEX mentions_queue_order ON mentions (queue, status, rank_key DESC, created_at ASC);
CREATE INDEX mentions_untriaged ON mentions (id) WHERE labels IS NULL;

-- Every label an agent gave, by action or by hand. Triage learns from these, and they always win over the
-- model. `question` is what was answered: spam (yes/no), intent (complaint/question/praise/other), or
-- actionable (yes: replied or escalated; no: closed without a reply).
CREATE TABLE agent_labels (
    mention_id INTEGER NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
    question   TEXT    NOT NULL CHECK (question IN ('spam', 'intent', 'actionable')),
    answer     TEXT    NOT NULL,
    at         INTEGER NOT NULL,
    PRIMARY KEY (mention_id, question)
) WITHOUT ROWID;
