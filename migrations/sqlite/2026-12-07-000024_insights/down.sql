DROP TABLE knowledge_reviews;
ALTER TABLE communities DROP COLUMN review_months;
ALTER TABLE knowledge_items DROP COLUMN review_reminded_on;
ALTER TABLE knowledge_items DROP COLUMN owner_id;
ALTER TABLE users DROP COLUMN hide_from_rankings;
DROP TABLE knowledge_reads;
DROP TABLE knowledge_applied;
DROP TABLE search_log;
