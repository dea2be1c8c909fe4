-- Moderation labels on an author's account (Bluesky), as a JSON array of strings, for the detail pane and
-- triage.
ALTER TABLE authors ADD COLUMN labels TEXT NOT NULL DEFAULT '[]';
ALTER TABLE author_profiles ADD COLUMN labels TEXT NOT NULL DEFAULT '[]';
