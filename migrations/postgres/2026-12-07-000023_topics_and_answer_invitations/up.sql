-- Topics a person says they know (shown apart from the evidence).
CREATE TABLE user_topics (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (user_id, tag)
);
CREATE INDEX user_topics_by_tag ON user_topics (tag);

-- People invited to answer an open question (at most three per question).
CREATE TABLE answer_invitations (
    id BIGSERIAL PRIMARY KEY,
    thread_id BIGINT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    invited_by BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    reminded_at TIMESTAMP,
    UNIQUE (thread_id, user_id)
);
