-- Tags on threads: the same vocabulary as knowledge_tags (see src/tags.rs).
CREATE TABLE thread_tags (
    thread_id BIGINT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (thread_id, tag)
);
CREATE INDEX thread_tags_by_tag ON thread_tags (tag);

-- What someone watches: a thread, a board or a community (target is its
-- id), or a tag (target is the tag). See src/watching.rs.
CREATE TABLE watches (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, kind, target)
);
CREATE INDEX watches_by_target ON watches (kind, target);
