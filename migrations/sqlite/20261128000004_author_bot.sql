-- Mastodon accounts can say they are automated; triage and the detail pane show it.
ALTER TABLE authors ADD COLUMN bot INTEGER NOT NULL DEFAULT 0;
