-- Files people attach to posts and knowledge revisions. The bytes live in
-- the store (local disk or S3), content-addressed by SHA-256, so a file
-- uploaded twice is stored once; a row is one upload, in one community,
-- whose readers alone may fetch it.
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id BIGINT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    uploader_id BIGINT NOT NULL REFERENCES users(id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    width INTEGER,
    height INTEGER,
    -- Images: a smaller copy shown in pages (the original is a click away).
    preview_sha256 TEXT,
    preview_type TEXT,
    preview_width INTEGER,
    preview_height INTEGER,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX attachments_by_uploader ON attachments (uploader_id, created_at);
CREATE INDEX attachments_by_community ON attachments (community_id);
CREATE INDEX attachments_by_blob ON attachments (sha256);
CREATE INDEX attachments_by_preview ON attachments (preview_sha256);
-- Which posts reference which attachments (kept in step with each edit).
CREATE TABLE post_attachments (
    post_id BIGINT NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    attachment_id BIGINT NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, attachment_id)
);
CREATE INDEX post_attachments_by_attachment ON post_attachments (attachment_id);
-- Which knowledge revisions cite which attachments: a revision keeps its
-- files for as long as it exists (provenance).
CREATE TABLE revision_attachments (
    revision_id BIGINT NOT NULL REFERENCES knowledge_revisions(id) ON DELETE CASCADE,
    attachment_id BIGINT NOT NULL REFERENCES attachments(id) ON DELETE CASCADE,
    PRIMARY KEY (revision_id, attachment_id)
);
CREATE INDEX revision_attachments_by_attachment ON revision_attachments (attachment_id);
