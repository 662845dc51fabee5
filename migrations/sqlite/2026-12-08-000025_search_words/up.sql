-- The organisation's search dictionary: words kept whole (kind 'keep')
-- and groups of words that mean the same (kind 'synonyms', the words one
-- per line). community_id NULL: the site's own, kept by admins; else a
-- community's, kept by its facilitators. Every entry applies to all text.
CREATE TABLE search_words (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id BIGINT REFERENCES communities (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    words TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX search_words_by_community ON search_words (community_id);

-- Named numbers about the index: 'lexicon' (bumped on every dictionary
-- change, so every instance reloads it) and 'text' (the version of the
-- text rules the index was built with; the server rebuilds when it moves).
CREATE TABLE search_meta (
    name TEXT PRIMARY KEY NOT NULL,
    value BIGINT NOT NULL
);
INSERT INTO search_meta (name, value) VALUES ('lexicon', 0), ('text', 0);

-- Index rebuilds run in the background by whichever instance holds the
-- lease; `words` lists the words whose documents are redone (one per
-- line), empty for everything.
CREATE TABLE search_rebuilds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    words TEXT NOT NULL,
    done BIGINT NOT NULL DEFAULT 0,
    total BIGINT NOT NULL DEFAULT 0,
    claimed_by TEXT,
    lease_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);

-- Every word the index holds, for "did you mean".
CREATE TABLE search_vocabulary (
    term TEXT PRIMARY KEY NOT NULL
);

-- Compounds' words get a column of their own, weighted below whole words.
DROP TABLE search_terms;
CREATE VIRTUAL TABLE search_terms USING fts5(
    title, body, parts, kind, content = '', contentless_delete = 1, tokenize = 'ascii'
);
