DROP TABLE watches;
DROP TABLE thread_tags;
