ALTER TABLE communities DROP COLUMN member_count;
ALTER TABLE communities DROP COLUMN thread_count;
ALTER TABLE boards DROP COLUMN thread_count;
