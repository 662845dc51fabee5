-- Not reversible on SQLite without another rebuild; restore from a backup
-- taken before upgrading.
SELECT 1;
