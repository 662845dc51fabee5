-- Every search, without who searched: the insights count searches and list
-- the ones that found nothing (a gap in what is written down). A search
-- narrowed to one community is that community's; others belong to no one.
CREATE TABLE search_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    query TEXT NOT NULL,
    community_id BIGINT REFERENCES communities(id) ON DELETE CASCADE,
    result_count INTEGER NOT NULL,
    searched_at TIMESTAMP NOT NULL
);
CREATE INDEX search_log_by_time ON search_log (searched_at);
CREATE INDEX search_log_by_community ON search_log (community_id, searched_at);

-- "I applied this": a reader used a knowledge item in their work, with the
-- time it saved them and a short story, both optional. One per person and
-- item (a second report replaces the first).
CREATE TABLE knowledge_applied (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id BIGINT NOT NULL REFERENCES knowledge_items(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    minutes_saved INTEGER,
    story TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (item_id, user_id)
);
CREATE INDEX knowledge_applied_by_time ON knowledge_applied (created_at);

-- Who read a knowledge item on which day (signed-in readers, once a day):
-- the insights' knowledge views.
CREATE TABLE knowledge_reads (
    item_id BIGINT NOT NULL REFERENCES knowledge_items(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    read_on DATE NOT NULL,
    PRIMARY KEY (item_id, user_id, read_on)
);
CREATE INDEX knowledge_reads_by_day ON knowledge_reads (read_on);

-- People may keep themselves out of public rankings (recognition pages).
ALTER TABLE users ADD COLUMN hide_from_rankings BOOLEAN NOT NULL DEFAULT 0;

-- The review schedule: each knowledge item has an owner (who is reminded
-- when it is due) and each community a review interval in months; every
-- review is recorded with the day it was due, so "reviewed on time" can be
-- counted later.
ALTER TABLE knowledge_items ADD COLUMN owner_id BIGINT REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE knowledge_items ADD COLUMN review_reminded_on DATE;
ALTER TABLE communities ADD COLUMN review_months INTEGER NOT NULL DEFAULT 12;
CREATE TABLE knowledge_reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id BIGINT NOT NULL REFERENCES knowledge_items(id) ON DELETE CASCADE,
    reviewer_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- 'confirmed', 'revised' or 'archived'.
    outcome TEXT NOT NULL,
    due_on DATE,
    reviewed_at TIMESTAMP NOT NULL
);
CREATE INDEX knowledge_reviews_by_time ON knowledge_reviews (reviewed_at);
