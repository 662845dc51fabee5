DROP INDEX notifications_undigested;
ALTER TABLE notifications DROP COLUMN digested_at;
ALTER TABLE notifications DROP COLUMN watch_target;
ALTER TABLE notifications DROP COLUMN watch_kind;
