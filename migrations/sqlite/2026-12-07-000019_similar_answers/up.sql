-- "This answered my question": someone about to ask was shown an earlier
-- resolved thread or a knowledge item and said it answered them. A KM
-- outcome (a question that did not need asking), counted by the insights.
CREATE TABLE similar_answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- 'thread' or 'knowledge', and that thread's or item's id.
    kind TEXT NOT NULL,
    source_id BIGINT NOT NULL,
    community_id BIGINT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    -- The title they were about to ask with.
    asked_title TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, kind, source_id)
);
CREATE INDEX similar_answers_by_community ON similar_answers (community_id, created_at);
