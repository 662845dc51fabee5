-- A secret per account for its private Atom feeds (a feed reader sends no
-- cookies): the feed URL carries it, and resetting it cuts off old copies.
ALTER TABLE users ADD COLUMN feed_token TEXT;
UPDATE users SET feed_token = lower(hex(randomblob(32)));
CREATE UNIQUE INDEX users_feed_token ON users (feed_token);
