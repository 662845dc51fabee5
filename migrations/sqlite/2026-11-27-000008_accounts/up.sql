-- Sessions, single-use account links, email confirmation, general throttles.
-- Kept column-for-column in step with migrations/postgres.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE account_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    email TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX account_tokens_by_user ON account_tokens (user_id, purpose);

-- The users table without UNIQUE (email): an address is unique among
-- confirmed accounts only (see migrations/postgres for why).
CREATE TABLE users_rebuilt (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    email TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_admin BOOLEAN NOT NULL DEFAULT FALSE,
    token_version INTEGER NOT NULL DEFAULT 0,
    locale TEXT,
    created_at TIMESTAMP NOT NULL,
    notify_replies BOOLEAN NOT NULL DEFAULT TRUE,
    notify_resolved BOOLEAN NOT NULL DEFAULT TRUE,
    mail_failure TEXT,
    email_confirmed_at TIMESTAMP
);
INSERT INTO users_rebuilt (id, username, display_name, email, password_hash, is_admin, token_version, locale,
                           created_at, notify_replies, notify_resolved, mail_failure, email_confirmed_at)
SELECT id, username, display_name, email, password_hash, is_admin, token_version, locale,
       created_at, notify_replies, notify_resolved, mail_failure, created_at
FROM users;
DROP TABLE users;
ALTER TABLE users_rebuilt RENAME TO users;
CREATE INDEX users_by_email ON users (email);
CREATE UNIQUE INDEX users_confirmed_email ON users (email) WHERE email_confirmed_at IS NOT NULL;

ALTER TABLE login_throttle RENAME TO throttles;
ALTER TABLE throttles RENAME COLUMN failures TO hits;
ALTER TABLE throttles DROP COLUMN locked_until;
CREATE INDEX throttles_by_window ON throttles (window_started_at);

CREATE TABLE trusted_logins (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_key TEXT NOT NULL,
    last_success_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, client_key)
);

COMMIT;
PRAGMA foreign_keys = ON;
