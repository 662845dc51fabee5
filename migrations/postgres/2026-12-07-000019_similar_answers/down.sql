DROP TABLE similar_answers;
