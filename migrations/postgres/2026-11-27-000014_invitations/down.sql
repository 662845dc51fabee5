ALTER TABLE users DROP COLUMN break_glass;
ALTER TABLE users DROP COLUMN deactivated_at;
DROP TABLE invitations;
