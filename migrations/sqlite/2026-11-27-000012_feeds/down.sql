ALTER TABLE users DROP COLUMN feed_token;
