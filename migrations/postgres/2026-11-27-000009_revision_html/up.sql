-- Each revision keeps its rendered HTML, so a post's history is read, not
-- rendered again on every view. Rows from before are filled in by
-- `sala migrate` (threads::backfill_revision_html): SQL cannot render Markdown.
ALTER TABLE post_revisions ADD COLUMN body_html TEXT NOT NULL DEFAULT '';
