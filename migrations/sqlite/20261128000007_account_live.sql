-- When the account's live stream (Mastodon's streaming API) connected; NULL while it is not listening live.
ALTER TABLE accounts ADD COLUMN live_since INTEGER;
