-- Profile pictures: two square sizes, in the same store as attachments
-- (by SHA-256). Without a row, pages show the person's initials.
CREATE TABLE avatars (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    large_sha256 TEXT NOT NULL,
    small_sha256 TEXT NOT NULL,
    content_type TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
