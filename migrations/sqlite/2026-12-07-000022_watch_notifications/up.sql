-- Which watch brought a notification (for its stop-watching link), and
-- when it went out in a digest ("in what you watch"), exactly once.
ALTER TABLE notifications ADD COLUMN watch_kind TEXT;
ALTER TABLE notifications ADD COLUMN watch_target TEXT;
ALTER TABLE notifications ADD COLUMN digested_at TIMESTAMP;
CREATE INDEX notifications_undigested ON notifications (user_id) WHERE digested_at IS NULL AND watch_kind IS NOT NULL;
