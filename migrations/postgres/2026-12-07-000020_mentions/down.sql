DROP TABLE user_mutes;
ALTER TABLE users DROP COLUMN notify_mentions;
