DROP TABLE login_throttle;
DROP TABLE post_revisions;
DROP TABLE posts;
DROP TABLE threads;
DROP TABLE boards;
DROP TABLE memberships;
DROP TABLE communities;
DROP TABLE users;
