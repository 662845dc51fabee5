DROP TABLE revision_attachments;
DROP TABLE post_attachments;
DROP TABLE attachments;
