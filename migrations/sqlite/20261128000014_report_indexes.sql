-- Reports: mentions by when they were written (the volume counts read only this index), authors by followers
-- (top authors walk it from the most followed), and each author's mentions by time.
CREATE INDEX mentions_written ON mentions (created_at, queue, intent, network);
CREATE INDEX mentions_by_author ON mentions (author_id, created_at);
CREATE INDEX authors_by_followers ON authors (followers DESC, id);
-- Sent actions by when they were sent.
CREATE INDEX outbox_sent ON outbox (sent_at) WHERE state = 'sent';
