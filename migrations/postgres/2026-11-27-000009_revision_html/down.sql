ALTER TABLE post_revisions DROP COLUMN body_html;
