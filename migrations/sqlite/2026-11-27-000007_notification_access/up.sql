-- Notification emails are decided once per notification: sent (one email
-- may cover several notifications about one thread), or skipped (not
-- wanted, or coalesced into the digest). Kept in step with the other backend.
ALTER TABLE notifications ADD COLUMN mail_state TEXT;
ALTER TABLE notifications ADD COLUMN mailed_at TIMESTAMP;
CREATE INDEX notifications_undecided ON notifications (created_at) WHERE mail_state IS NULL;
CREATE INDEX notifications_mailed ON notifications (user_id, thread_id, mailed_at);

-- The community a queued email speaks of: the sender checks at send time
-- that the recipient may still read it.
ALTER TABLE outbox ADD COLUMN community_id BIGINT REFERENCES communities(id) ON DELETE CASCADE;
