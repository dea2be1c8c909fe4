-- Listening sources: RSS and Atom feeds of forums, blogs and review sites, each stored as an account on the
-- `web` network whose `keywords` are the words an entry must contain (any one of them). These are the words
-- it must not contain, as a JSON array of strings.
ALTER TABLE accounts ADD COLUMN exclude_keywords TEXT NOT NULL DEFAULT '[]';
-- When Earshot last asked the source's site for its feed, whatever the answer, so that each site is asked
-- politely seldom. (A feed's ETag and Last-Modified are its cursor, stored with the items they cover.)
ALTER TABLE accounts ADD COLUMN fetched_at INTEGER;
