-- Invitations to a community (private ones above all): to an account, or
-- to an address that has none yet. Only a hash of the link's token is kept.
CREATE TABLE invitations (
    id BIGSERIAL PRIMARY KEY,
    community_id BIGINT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    invited_by BIGINT NOT NULL REFERENCES users(id),
    user_id BIGINT REFERENCES users(id) ON DELETE CASCADE,
    email TEXT,
    token_hash TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'pending',
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP
);
CREATE INDEX invitations_by_user ON invitations (user_id, status);
CREATE INDEX invitations_by_email ON invitations (email, status);
CREATE INDEX invitations_by_community ON invitations (community_id, status);
-- An admin deactivated the account: no sign-in, sessions ended.
ALTER TABLE users ADD COLUMN deactivated_at TIMESTAMP;
-- Created on the command line as an admin: may sign in with a password
-- even when local passwords are turned off (SALA_LOCAL_LOGIN=off).
ALTER TABLE users ADD COLUMN break_glass BOOLEAN NOT NULL DEFAULT FALSE;
