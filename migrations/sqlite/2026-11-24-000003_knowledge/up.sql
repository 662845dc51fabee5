-- Resolution of threads, and the knowledge base distilled from them.
-- Kept column-for-column in step with migrations/postgres (a test checks it).
ALTER TABLE threads ADD COLUMN accepted_post_id BIGINT REFERENCES posts(id);
ALTER TABLE threads ADD COLUMN ready_to_distill BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE threads ADD COLUMN resolved_by BIGINT REFERENCES users(id);
ALTER TABLE threads ADD COLUMN resolved_at TIMESTAMP;

CREATE TABLE knowledge_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id BIGINT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    source_thread_id BIGINT REFERENCES threads(id) ON DELETE SET NULL,
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    tags TEXT NOT NULL,
    review_on DATE,
    last_reviewed_at TIMESTAMP,
    current_revision INTEGER NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    published_at TIMESTAMP
);
CREATE INDEX knowledge_by_community ON knowledge_items (community_id, status, updated_at);
CREATE INDEX knowledge_by_thread ON knowledge_items (source_thread_id);

CREATE TABLE knowledge_revisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id BIGINT NOT NULL REFERENCES knowledge_items(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users(id),
    note TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    context_md TEXT NOT NULL,
    context_html TEXT NOT NULL,
    solution_md TEXT NOT NULL,
    solution_html TEXT NOT NULL,
    lessons_md TEXT NOT NULL,
    lessons_html TEXT NOT NULL,
    tags TEXT NOT NULL,
    review_on DATE,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (item_id, number)
);

CREATE TABLE knowledge_citations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id BIGINT NOT NULL REFERENCES knowledge_items(id) ON DELETE CASCADE,
    post_id BIGINT REFERENCES posts(id) ON DELETE SET NULL,
    author_id BIGINT NOT NULL REFERENCES users(id),
    excerpt_md TEXT NOT NULL,
    excerpt_html TEXT NOT NULL,
    position INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX knowledge_citations_by_item ON knowledge_citations (item_id, position);

CREATE TABLE knowledge_contributors (
    item_id BIGINT NOT NULL REFERENCES knowledge_items(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    role TEXT NOT NULL,
    PRIMARY KEY (item_id, user_id, role)
);
CREATE INDEX knowledge_contributors_by_user ON knowledge_contributors (user_id);

CREATE TABLE knowledge_tags (
    item_id BIGINT NOT NULL REFERENCES knowledge_items(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (item_id, tag)
);
CREATE INDEX knowledge_tags_by_tag ON knowledge_tags (tag);

CREATE TABLE knowledge_suggestions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id BIGINT NOT NULL REFERENCES knowledge_items(id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES users(id),
    note TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    context_md TEXT NOT NULL,
    solution_md TEXT NOT NULL,
    lessons_md TEXT NOT NULL,
    tags TEXT NOT NULL,
    status TEXT NOT NULL,
    decided_by BIGINT REFERENCES users(id),
    decided_at TIMESTAMP,
    decline_reason TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX knowledge_suggestions_by_item ON knowledge_suggestions (item_id, status);

CREATE TABLE knowledge_feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id BIGINT NOT NULL REFERENCES knowledge_items(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    comment TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (item_id, user_id, kind)
);
