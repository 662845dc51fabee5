-- The kind of thread a board's "ask" form starts on (an experience board
-- starts on "experience").
ALTER TABLE boards ADD COLUMN default_kind TEXT NOT NULL DEFAULT 'question';
-- Who someone is at work, for people and for later reports by unit.
ALTER TABLE users ADD COLUMN unit TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN position TEXT NOT NULL DEFAULT '';
-- A closed account: it cannot sign in, and its posts stay under "former
-- member" (PDPA: the person asked to leave).
ALTER TABLE users ADD COLUMN closed_at TIMESTAMP;
