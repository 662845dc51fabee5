-- One row that /healthz writes, to learn whether the database can still
-- be written (a read-only file or replica, a full disk) and not only read.
CREATE TABLE health_probe (
    id INTEGER PRIMARY KEY,
    checked_at TIMESTAMP NOT NULL
);
INSERT INTO health_probe (id, checked_at) VALUES (1, CURRENT_TIMESTAMP);
