-- Search. One row per searchable thing (a thread with its opening post, a
-- reply, a knowledge item), written in the same transaction as the thing.
-- Kept in step with migrations/postgres, except how terms are stored: here
-- a contentless FTS5 table whose rowid is the document's id; there a
-- tsvector column. Terms arrive already cut into words by Sala (Thai has no
-- spaces), so FTS5's 'ascii' tokenizer only splits on the spaces between them.
CREATE TABLE search_documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
    UNIQUE (kind, source_id)
);
CREATE INDEX search_documents_by_thread ON search_documents (thread_id);

-- `kind` holds one word (thread, reply, knowledge), so a query can ask FTS5
-- for knowledge items instead of filtering every match; it is weighted 0 in
-- bm25, so asking for it never changes a score. (A separate table for
-- knowledge would be faster to search but would rank its few rows against
-- their own statistics, not the whole index's.)
CREATE VIRTUAL TABLE search_terms USING fts5(
    title, body, kind, content = '', contentless_delete = 1, tokenize = 'ascii'
);
