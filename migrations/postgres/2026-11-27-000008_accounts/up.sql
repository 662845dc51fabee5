-- Sessions, single-use account links, email confirmation, general throttles.
-- Kept column-for-column in step with migrations/sqlite.

-- A signed token names its session; logging out deletes the session, so
-- the token stops working at once while the user's other devices go on.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Single-use links mailed to an address: confirm it, or reset a password.
-- Only a hash of the token is kept.
CREATE TABLE account_tokens (
    id BIGSERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    email TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX account_tokens_by_user ON account_tokens (user_id, purpose);

-- An address is unique among confirmed accounts. Until confirmed, two
-- accounts may name one address, so signing up never tells a stranger
-- whether an address is registered. Existing accounts count as confirmed.
ALTER TABLE users ADD COLUMN email_confirmed_at TIMESTAMP;
UPDATE users SET email_confirmed_at = created_at;
ALTER TABLE users DROP CONSTRAINT users_email_key;
CREATE INDEX users_by_email ON users (email);
CREATE UNIQUE INDEX users_confirmed_email ON users (email) WHERE email_confirmed_at IS NOT NULL;

-- Failed logins, sign-ups and writes are all counted here now.
ALTER TABLE login_throttle RENAME TO throttles;
ALTER TABLE throttles RENAME COLUMN failures TO hits;
ALTER TABLE throttles DROP COLUMN locked_until;
CREATE INDEX throttles_by_window ON throttles (window_started_at);

-- Where each account last signed in successfully: a flood of failures
-- from a shared address does not lock out people known to use it.
CREATE TABLE trusted_logins (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_key TEXT NOT NULL,
    last_success_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, client_key)
);
