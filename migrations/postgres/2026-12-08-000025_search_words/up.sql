-- See the SQLite migration of the same name for what each table holds.
CREATE TABLE search_words (
    id BIGSERIAL PRIMARY KEY,
    community_id BIGINT REFERENCES communities (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    words TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX search_words_by_community ON search_words (community_id);

CREATE TABLE search_meta (
    name TEXT PRIMARY KEY NOT NULL,
    value BIGINT NOT NULL
);
INSERT INTO search_meta (name, value) VALUES ('lexicon', 0), ('text', 0);

CREATE TABLE search_rebuilds (
    id BIGSERIAL PRIMARY KEY,
    words TEXT NOT NULL,
    done BIGINT NOT NULL DEFAULT 0,
    total BIGINT NOT NULL DEFAULT 0,
    claimed_by TEXT,
    lease_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);

CREATE TABLE search_vocabulary (
    term TEXT PRIMARY KEY NOT NULL
);
