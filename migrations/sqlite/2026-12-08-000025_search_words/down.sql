DROP TABLE search_terms;
CREATE VIRTUAL TABLE search_terms USING fts5(
    title, body, kind, content = '', contentless_delete = 1, tokenize = 'ascii'
);
DROP TABLE search_vocabulary;
DROP TABLE search_rebuilds;
DROP TABLE search_meta;
DROP TABLE search_words;
