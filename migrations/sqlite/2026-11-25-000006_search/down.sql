DROP TABLE search_terms;
DROP TABLE search_documents;
