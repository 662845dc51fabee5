-- Accounts that come from the organisation's identity system: the
-- directory (LDAP / Active Directory) or an OpenID Connect provider. The
-- subject is the stable key there (a DN, an OIDC `sub`); the account's
-- name and address are refreshed from it at each sign-in.
CREATE TABLE external_identities (
    provider TEXT NOT NULL,
    subject TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (provider, subject)
);
CREATE INDEX external_identities_by_user ON external_identities (user_id);
