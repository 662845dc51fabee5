DROP TABLE notifications;
DROP TABLE outbox;
ALTER TABLE users DROP COLUMN mail_failure;
ALTER TABLE users DROP COLUMN notify_resolved;
ALTER TABLE users DROP COLUMN notify_replies;
DROP TABLE subscriptions;
