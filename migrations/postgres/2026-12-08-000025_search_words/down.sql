DROP TABLE search_vocabulary;
DROP TABLE search_rebuilds;
DROP TABLE search_meta;
DROP TABLE search_words;
