-- @mentions notify the person mentioned unless they turned that off.
ALTER TABLE users ADD COLUMN notify_mentions BOOLEAN NOT NULL DEFAULT TRUE;
-- People someone muted: nothing they do notifies the one who muted them.
CREATE TABLE user_mutes (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    muted_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, muted_id)
);
