-- Counts the home and community pages show, kept up to date by the writes
-- that change them: counting rows on every view grows with the data.
ALTER TABLE boards ADD COLUMN thread_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE communities ADD COLUMN thread_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE communities ADD COLUMN member_count INTEGER NOT NULL DEFAULT 0;
UPDATE boards SET thread_count = (SELECT COUNT(*) FROM threads WHERE threads.board_id = boards.id);
UPDATE communities SET
    thread_count = (SELECT COALESCE(SUM(boards.thread_count), 0) FROM boards WHERE boards.community_id = communities.id),
    member_count = (SELECT COUNT(*) FROM memberships WHERE memberships.community_id = communities.id);
