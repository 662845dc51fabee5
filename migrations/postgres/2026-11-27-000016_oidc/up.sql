-- OpenID Connect sign-ins under way: what the callback needs to finish
-- one (the nonce and PKCE verifier), kept in the database so that any
-- instance behind the load balancer can take the callback. Keyed by a
-- hash of the state; each row is used once and lives minutes.
CREATE TABLE oidc_logins (
    state_hash TEXT PRIMARY KEY,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next_path TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
