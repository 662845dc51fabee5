DROP TABLE answer_invitations;
DROP TABLE user_topics;
