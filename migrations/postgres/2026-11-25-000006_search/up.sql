-- Search. One row per searchable thing (a thread with its opening post, a
-- reply, a knowledge item), written in the same transaction as the thing.
-- Kept in step with migrations/sqlite, except how terms are stored: here a
-- tsvector column built by Sala from terms it has already cut into words
-- (Thai has no spaces), so no text-search parser or dictionary touches them;
-- there an FTS5 table. Title terms carry weight A, body terms D.
CREATE TABLE search_documents (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    source_id BIGINT NOT NULL,
    community_id BIGINT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    thread_id BIGINT REFERENCES threads(id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    resolved BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    boost DOUBLE PRECISION NOT NULL,
    created_at TIMESTAMP NOT NULL,
    terms TSVECTOR NOT NULL DEFAULT ''::tsvector,
    UNIQUE (kind, source_id)
);
CREATE INDEX search_documents_by_thread ON search_documents (thread_id);
CREATE INDEX search_documents_terms ON search_documents USING GIN (terms);
-- Knowledge items are ranked even when older than the newest matches
-- (search::engine): this finds them without visiting every matching post.
CREATE INDEX search_documents_knowledge_terms ON search_documents USING GIN (terms) WHERE kind = 'knowledge';
-- Filters that keep few rows get indexes the planner can AND with the terms'
-- bitmap, so "resolved only", one author, a type or a date range does not
-- visit every row that merely contains the words.
CREATE INDEX search_documents_resolved_terms ON search_documents USING GIN (terms) WHERE resolved;
CREATE INDEX search_documents_thread_terms ON search_documents USING GIN (terms) WHERE kind = 'thread';
CREATE INDEX search_documents_by_author ON search_documents (author_id);
CREATE INDEX search_documents_by_created ON search_documents (created_at);
