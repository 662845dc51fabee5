-- Moderation: flags, hidden posts, suspensions and mutes, the audit log.
-- Kept column-for-column in step with the other backend.

-- A member's report of a post. One open flag per member and post; a
-- facilitator's decision closes every open flag of the post at once.
CREATE TABLE flags (
    id BIGSERIAL PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    community_id BIGINT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    flagger_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    decided_by BIGINT REFERENCES users(id),
    decided_at TIMESTAMP,
    decision TEXT
);
CREATE UNIQUE INDEX flags_one_open_per_member ON flags (post_id, flagger_id) WHERE status = 'open';
CREATE INDEX flags_queue ON flags (community_id, status, post_id);

-- Hidden: shown to nobody but the author and the facilitators, pending
-- review (enough flags) or by a facilitator's decision. Moderated: a
-- facilitator decided on this post; flags no longer hide it by themselves.
ALTER TABLE posts ADD COLUMN hidden_at TIMESTAMP;
ALTER TABLE posts ADD COLUMN moderated_at TIMESTAMP;
-- A thread whose opening post is hidden is hidden from listings too.
ALTER TABLE threads ADD COLUMN is_hidden BOOLEAN NOT NULL DEFAULT FALSE;

-- Suspensions (community_id NULL: everywhere, by an admin) and mutes (in one
-- community, by its facilitators). ends_at NULL: until lifted.
CREATE TABLE suspensions (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    community_id BIGINT REFERENCES communities(id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP,
    lifted_by BIGINT REFERENCES users(id),
    lifted_at TIMESTAMP
);
CREATE INDEX suspensions_by_user ON suspensions (user_id, community_id);

-- Who did what, when and why: every moderation and curation action.
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    community_id BIGINT REFERENCES communities(id) ON DELETE CASCADE,
    actor_id BIGINT REFERENCES users(id),
    action TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id BIGINT,
    subject_user_id BIGINT REFERENCES users(id),
    reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_by_community ON audit_log (community_id, id);
