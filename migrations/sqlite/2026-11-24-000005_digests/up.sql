-- Email digests and notifications. Kept in step with migrations/postgres.
CREATE TABLE subscriptions (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    community_id BIGINT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    frequency TEXT NOT NULL,
    -- Everything up to this moment has been in a digest already.
    watermark TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, community_id)
);
CREATE INDEX subscriptions_by_frequency ON subscriptions (frequency, user_id);

ALTER TABLE users ADD COLUMN notify_replies BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN notify_resolved BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE users ADD COLUMN mail_failure TEXT;

-- Every email goes through here. `dedupe_key` is unique, so planning the
-- same digest or notification twice is harmless; senders claim rows under a
-- lease, so several instances never send one row twice.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dedupe_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    unsubscribe_url TEXT,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    thread_id BIGINT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    post_id BIGINT REFERENCES posts(id),
    actor_id BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
CREATE INDEX notifications_by_user ON notifications (user_id, read_at, id);
