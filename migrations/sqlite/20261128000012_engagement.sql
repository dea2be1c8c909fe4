-- Replies and reposts (quotes included) a post had drawn when last read, where the network reports them
-- (NULL when it does not). They only ever grow: a later sighting with higher counts raises them.
ALTER TABLE mentions ADD COLUMN replies INTEGER;
ALTER TABLE mentions ADD COLUMN reposts INTEGER;
