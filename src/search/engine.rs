//! The only code that knows how each engine stores and matches terms:
//! SQLite's FTS5 (`search_terms`, ranked by bm25) and PostgreSQL's full-text
//! search (`search_documents.terms`, a tsvector under a GIN index, ranked by
//! ts_rank_cd). Everything else about a document is plain diesel.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Text};

use super::query::{tsquery_lexeme, ParsedQuery};
use super::text::Analysed;
use crate::db::schema::search_documents as docs;
use crate::db::AnyConnection;
use crate::error::Result;

/// How much a title match outweighs a body match (bm25 column weight; on
/// PostgreSQL, weight A against D gives the same ratio).
const TITLE_WEIGHT: f64 = 10.0;
/// How much a word found only inside a compound counts against a whole
/// word of the body (weight C against D on PostgreSQL).
const PART_WEIGHT: f64 = 0.3;

/// A document as the indexer hands it over.
pub struct NewDocument<'a> {
    pub kind: &'a str,
    pub source_id: i64,
    pub community_id: i64,
    pub thread_id: Option<i64>,
    pub author_id: i64,
    pub title: &'a str,
    pub title_terms: Analysed,
    pub body_terms: Analysed,
    pub resolved: bool,
    pub status: &'a str,
    pub boost: f64,
    pub created_at: chrono::NaiveDateTime,
}

/// Writes (or rewrites) a document and its terms.
pub fn upsert(conn: &mut AnyConnection, doc: &NewDocument) -> Result<()> {
    let id = write_row(conn, doc)?;
    write_terms(conn, id, doc)?;
    remember_words(conn, std::slice::from_ref(doc))
}

/// Adds the documents' words to the vocabulary "did you mean" draws on
/// (sorted, so concurrent writers take their row locks in one order).
fn remember_words(conn: &mut AnyConnection, docs: &[NewDocument]) -> Result<()> {
    let mut words: Vec<&str> = docs
        .iter()
        .flat_map(|d| d.title_terms.terms.iter().chain(&d.body_terms.terms))
        .map(String::as_str)
        .filter(|t| super::suggest::suggestible(t))
        .collect();
    words.sort_unstable();
    words.dedup();
    if words.is_empty() {
        return Ok(());
    }
    match conn {
        AnyConnection::Sqlite(c) => {
            let json = serde_json::to_string(&words).map_err(|e| crate::error::Error::internal(e.to_string()))?;
            diesel::sql_query("INSERT OR IGNORE INTO search_vocabulary (term) SELECT value FROM json_each(?)")
                .bind::<Text, _>(json)
                .execute(c)?;
        }
        AnyConnection::Postgresql(c) => {
            diesel::sql_query("INSERT INTO search_vocabulary (term) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING")
                .bind::<diesel::sql_types::Array<Text>, _>(&words)
                .execute(c)?;
        }
    }
    Ok(())
}

/// Writes many documents: all rows first, then all terms. On SQLite a
/// statement that may need rolling back part-way (any insert into a table
/// with foreign keys) makes FTS5 flush its pending terms to disk; written in
/// this order, a batch flushes once instead of once per document.
/// On PostgreSQL the whole batch is one statement over arrays.
pub fn upsert_many(conn: &mut AnyConnection, docs: &[NewDocument]) -> Result<()> {
    if let AnyConnection::Postgresql(c) = conn {
        use diesel::sql_types::{Array, Bool, Nullable, Timestamp};
        diesel::sql_query(
            "INSERT INTO search_documents \
             (kind, source_id, community_id, thread_id, author_id, title, resolved, status, boost, created_at, terms) \
             SELECT k, s, c, t, a, ti, r, st, b, ca, te::tsvector FROM unnest($1::text[], $2::int8[], $3::int8[], \
             $4::int8[], $5::int8[], $6::text[], $7::bool[], $8::text[], $9::float8[], $10::timestamp[], $11::text[]) \
             AS u(k, s, c, t, a, ti, r, st, b, ca, te) \
             ON CONFLICT (kind, source_id) DO UPDATE SET community_id = excluded.community_id, \
             author_id = excluded.author_id, title = excluded.title, resolved = excluded.resolved, \
             status = excluded.status, boost = excluded.boost, created_at = excluded.created_at, terms = excluded.terms",
        )
        .bind::<Array<Text>, _>(docs.iter().map(|d| d.kind).collect::<Vec<_>>())
        .bind::<Array<BigInt>, _>(docs.iter().map(|d| d.source_id).collect::<Vec<_>>())
        .bind::<Array<BigInt>, _>(docs.iter().map(|d| d.community_id).collect::<Vec<_>>())
        .bind::<Array<Nullable<BigInt>>, _>(docs.iter().map(|d| d.thread_id).collect::<Vec<_>>())
        .bind::<Array<BigInt>, _>(docs.iter().map(|d| d.author_id).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(docs.iter().map(|d| d.title).collect::<Vec<_>>())
        .bind::<Array<Bool>, _>(docs.iter().map(|d| d.resolved).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(docs.iter().map(|d| d.status).collect::<Vec<_>>())
        .bind::<Array<Double>, _>(docs.iter().map(|d| d.boost).collect::<Vec<_>>())
        .bind::<Array<Timestamp>, _>(docs.iter().map(|d| d.created_at).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(
            docs.iter().map(|d| to_tsvector(&d.title_terms, &d.body_terms)).collect::<Vec<_>>(),
        )
        .execute(c)?;
        return remember_words(conn, docs);
    }
    let ids = docs.iter().map(|doc| write_row(conn, doc)).collect::<Result<Vec<i64>>>()?;
    ids.into_iter().zip(docs).try_for_each(|(id, doc)| write_terms(conn, id, doc))?;
    remember_words(conn, docs)
}

/// The document's row, new or updated (its old terms deleted); its id.
fn write_row(conn: &mut AnyConnection, doc: &NewDocument) -> Result<i64> {
    let values = (
        docs::kind.eq(doc.kind),
        docs::source_id.eq(doc.source_id),
        docs::community_id.eq(doc.community_id),
        docs::thread_id.eq(doc.thread_id),
        docs::author_id.eq(doc.author_id),
        docs::title.eq(doc.title),
        docs::resolved.eq(doc.resolved),
        docs::status.eq(doc.status),
        docs::boost.eq(doc.boost),
        docs::created_at.eq(doc.created_at),
    );
    let changes = (
        docs::community_id.eq(doc.community_id),
        docs::author_id.eq(doc.author_id),
        docs::title.eq(doc.title),
        docs::resolved.eq(doc.resolved),
        docs::status.eq(doc.status),
        docs::boost.eq(doc.boost),
        docs::created_at.eq(doc.created_at),
    );
    let existing: Option<i64> = docs::table
        .filter(docs::kind.eq(doc.kind))
        .filter(docs::source_id.eq(doc.source_id))
        .select(docs::id)
        .first(conn)
        .optional()?;
    let id = match existing {
        Some(id) => {
            diesel::update(docs::table.find(id)).set(changes).execute(conn)?;
            if let AnyConnection::Sqlite(c) = conn {
                diesel::sql_query("DELETE FROM search_terms WHERE rowid = ?").bind::<BigInt, _>(id).execute(c)?;
            }
            id
        }
        None => diesel::insert_into(docs::table).values(values).returning(docs::id).get_result(conn)?,
    };
    Ok(id)
}

fn write_terms(conn: &mut AnyConnection, id: i64, doc: &NewDocument) -> Result<()> {
    match conn {
        AnyConnection::Sqlite(c) => {
            let parts: Vec<&str> =
                doc.title_terms.parts.iter().chain(&doc.body_terms.parts).map(|(_, part)| part.as_str()).collect();
            diesel::sql_query("INSERT INTO search_terms (rowid, title, body, parts, kind) VALUES (?, ?, ?, ?, ?)")
                .bind::<BigInt, _>(id)
                .bind::<Text, _>(doc.title_terms.terms.join(" "))
                .bind::<Text, _>(doc.body_terms.terms.join(" "))
                .bind::<Text, _>(parts.join(" "))
                .bind::<Text, _>(doc.kind)
                .execute(c)?;
        }
        AnyConnection::Postgresql(c) => {
            diesel::sql_query("UPDATE search_documents SET terms = $1::tsvector WHERE id = $2")
                .bind::<Text, _>(to_tsvector(&doc.title_terms, &doc.body_terms))
                .bind::<BigInt, _>(id)
                .execute(c)?;
        }
    }
    Ok(())
}

/// A `tsvector` literal for a document: title terms weighted A, body terms
/// D, the words inside compounds C at their compound's position; positions
/// count on from the title's (PostgreSQL caps them at 16383).
pub fn to_tsvector(title: &Analysed, body: &Analysed) -> String {
    let mut out = String::new();
    let mut push = |term: &str, position: usize, weight: &str| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&tsquery_lexeme(term));
        out.push(':');
        out.push_str(&(position + 1).min(16_383).to_string());
        out.push_str(weight);
    };
    for (analysed, offset, weight) in [(title, 0, "A"), (body, title.terms.len(), "")] {
        for (index, term) in analysed.terms.iter().enumerate() {
            push(term, offset + index, weight);
        }
        for (index, part) in &analysed.parts {
            push(part, offset + index, "C");
        }
    }
    out
}

/// Removes a document and its terms, if it is indexed.
pub fn remove(conn: &mut AnyConnection, kind: &str, source_id: i64) -> Result<()> {
    let target = docs::table.filter(docs::kind.eq(kind)).filter(docs::source_id.eq(source_id));
    if let AnyConnection::Sqlite(c) = conn {
        let ids: Vec<i64> = target.select(docs::id).load(c)?;
        for id in ids {
            diesel::sql_query("DELETE FROM search_terms WHERE rowid = ?").bind::<BigInt, _>(id).execute(c)?;
        }
    }
    diesel::delete(target).execute(conn)?;
    Ok(())
}

/// Empties the index (before a rebuild).
pub fn clear(conn: &mut AnyConnection) -> Result<()> {
    match conn {
        AnyConnection::Sqlite(c) => {
            diesel::sql_query("DELETE FROM search_terms").execute(c)?;
            diesel::sql_query("DELETE FROM search_documents").execute(c)?;
        }
        AnyConnection::Postgresql(c) => {
            diesel::sql_query("TRUNCATE search_documents").execute(c)?;
        }
    }
    Ok(())
}

/// Conditions on documents beyond the text match, written as SQL with
/// values that are numbers, dates or fixed words only (never user text), so
/// they can be inlined.
#[derive(Debug, Clone, Default)]
pub struct Conditions {
    /// Communities the viewer may read; an empty list matches nothing.
    pub communities: Vec<i64>,
    pub kind: Option<&'static str>,
    pub resolved_only: bool,
    /// Only what answers a question: resolved threads (their opening posts)
    /// and knowledge that is not archived; no replies.
    pub answers_only: bool,
    pub author_id: Option<i64>,
    pub from: Option<chrono::NaiveDate>,
    /// Inclusive: the whole day counts.
    pub to: Option<chrono::NaiveDate>,
}

impl Conditions {
    fn sql(&self) -> String {
        let mut sql = String::new();
        if self.communities.is_empty() {
            sql.push_str(" AND 1 = 0");
        } else {
            let ids: Vec<String> = self.communities.iter().map(i64::to_string).collect();
            sql.push_str(&format!(" AND d.community_id IN ({})", ids.join(",")));
        }
        // Drafts are for curators, who find them in the review queue.
        sql.push_str(&format!(" AND d.status <> '{}'", crate::vocab::ItemStatus::Draft));
        if let Some(kind) = self.kind {
            sql.push_str(&format!(" AND d.kind = '{kind}'"));
        }
        if self.resolved_only || self.answers_only {
            sql.push_str(" AND d.resolved = TRUE");
        }
        if self.answers_only {
            sql.push_str(&format!(
                " AND d.kind <> '{}' AND d.status <> '{}'",
                super::index::KIND_REPLY,
                crate::vocab::ItemStatus::Archived
            ));
        }
        if let Some(author) = self.author_id {
            sql.push_str(&format!(" AND d.author_id = {author}"));
        }
        if let Some(from) = self.from {
            sql.push_str(&format!(" AND d.created_at >= '{} 00:00:00'", from.format("%Y-%m-%d")));
        }
        if let Some(to) = self.to.and_then(|d| d.succ_opt()) {
            sql.push_str(&format!(" AND d.created_at < '{} 00:00:00'", to.format("%Y-%m-%d")));
        }
        sql
    }
}

/// How many matches are ranked: the newest this many posts, plus up to as
/// many knowledge items (few, curated, and boosted, so never left out for
/// being old). Ranking every match of a common word costs time in
/// proportion to the whole index; this bounds it, and bounds the count.
pub const CANDIDATES: i64 = 1_000;

#[derive(Debug, Clone, Queryable)]
pub struct Match {
    pub id: i64,
    pub kind: String,
    pub source_id: i64,
    pub community_id: i64,
    pub thread_id: Option<i64>,
    pub author_id: i64,
    pub title: String,
    pub resolved: bool,
    pub created_at: chrono::NaiveDateTime,
}

#[derive(QueryableByName)]
struct Candidate {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Double)]
    score: f64,
}

/// How many of the newest rows PostgreSQL may walk when every term is
/// common (see [`dense`]); past that, the GIN index answers.
const WALK_WINDOW: i64 = 50_000;
/// A term in at least this share of documents counts as common.
const COMMON_SHARE: f64 = 0.05;

#[derive(QueryableByName)]
struct Share {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Float>)]
    share: Option<f32>,
}

/// Whether PostgreSQL's own statistics (ANALYZE's most common lexemes) say
/// every term of the query is common, with no filter that keeps few rows.
fn dense(c: &mut diesel::PgConnection, query: &ParsedQuery, conditions: &Conditions) -> diesel::QueryResult<bool> {
    if conditions.kind.is_some()
        || conditions.resolved_only
        || conditions.answers_only
        || conditions.author_id.is_some()
    {
        return Ok(false);
    }
    let terms: Vec<String> = query.typed_terms().cloned().collect();
    let shares: Vec<Share> = diesel::sql_query(
        "SELECT s.share FROM pg_stats p, \
         LATERAL unnest(p.most_common_elems::text::text[], p.most_common_elem_freqs) AS s(elem, share) \
         WHERE p.schemaname = current_schema() AND p.tablename = 'search_documents' AND p.attname = 'terms' \
         AND s.elem = ANY($1)",
    )
    .bind::<diesel::sql_types::Array<Text>, _>(&terms)
    .load(c)?;
    let found: Vec<f64> = shares.iter().filter_map(|s| s.share).map(f64::from).collect();
    Ok(found.len() >= terms.iter().collect::<std::collections::HashSet<_>>().len()
        && found.iter().all(|share| *share >= COMMON_SHARE))
}

/// A page of the best matches, how many matched, and whether that count
/// stopped at [`CANDIDATES`] (there are more).
pub struct Found {
    pub page: Vec<Match>,
    pub total: i64,
    pub capped: bool,
}

/// How many documents match, counting no further than `cap`: no ranking,
/// so a spelling can be tried cheaply even when it is a common word.
pub fn count_up_to(conn: &mut AnyConnection, query: &ParsedQuery, conditions: &Conditions, cap: i64) -> Result<i64> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let filter = conditions.sql();
    let found: Count = match conn {
        AnyConnection::Sqlite(c) => diesel::sql_query(format!(
            "SELECT count(*) AS n FROM (SELECT 1 FROM search_terms JOIN search_documents d ON d.id = search_terms.rowid \
             WHERE search_terms MATCH ?{filter} LIMIT {cap})"
        ))
        .bind::<Text, _>(query.to_fts5())
        .get_result(c)?,
        AnyConnection::Postgresql(c) => diesel::sql_query(format!(
            "SELECT count(*) AS n FROM (SELECT 1 FROM search_documents d WHERE d.terms @@ CAST($1 AS tsquery){filter} \
             LIMIT {cap}) AS m"
        ))
        .bind::<Text, _>(query.to_tsquery())
        .get_result(c)?,
    };
    Ok(found.n)
}

pub fn search(
    conn: &mut AnyConnection,
    query: &ParsedQuery,
    conditions: &Conditions,
    limit: i64,
    offset: i64,
) -> Result<Found> {
    let mut candidates: Vec<Candidate> = match conn {
        AnyConnection::Sqlite(c) => sqlite_candidates(c, query, conditions)?,
        AnyConnection::Postgresql(c) => postgres_candidates(c, query, conditions)?,
    };
    // A recent knowledge item is in both branches: count it once.
    candidates.sort_by(|a, b| a.id.cmp(&b.id).then(b.score.total_cmp(&a.score)));
    candidates.dedup_by_key(|c| c.id);
    let total = candidates.len() as i64;
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score).then(b.id.cmp(&a.id)));
    let ids: Vec<i64> = candidates.iter().skip(offset as usize).take(limit as usize).map(|c| c.id).collect();
    let mut page: Vec<Match> = docs::table
        .filter(docs::id.eq_any(&ids))
        .select((
            docs::id,
            docs::kind,
            docs::source_id,
            docs::community_id,
            docs::thread_id,
            docs::author_id,
            docs::title,
            docs::resolved,
            docs::created_at,
        ))
        .load(conn)?;
    page.sort_by_key(|m| ids.iter().position(|id| *id == m.id));
    Ok(Found { page, total, capped: total >= CANDIDATES })
}

/// The newest matches with their scores, on SQLite. FTS5 walks its doclists
/// newest first and stops at the limit; bm25 (negative: lower is better) is
/// computed for those rows only. Older knowledge is asked for through its
/// `kind` word, and only when the newest matches did not already cover all.
fn sqlite_candidates(
    c: &mut diesel::SqliteConnection,
    query: &ParsedQuery,
    conditions: &Conditions,
) -> Result<Vec<Candidate>> {
    let filter = conditions.sql();
    let branch = |fts: &str| {
        format!(
            "SELECT d.id AS id, -bm25(search_terms, {TITLE_WEIGHT}, 1.0, {PART_WEIGHT}, 0.0) * d.boost AS score \
             FROM search_terms JOIN search_documents d ON d.id = search_terms.rowid \
             WHERE search_terms MATCH {fts}{filter} ORDER BY search_terms.rowid DESC LIMIT {CANDIDATES}"
        )
    };
    let fts = query.to_fts5();
    let mut found: Vec<Candidate> = diesel::sql_query(branch("?")).bind::<Text, _>(&fts).load(c)?;
    if found.len() as i64 >= CANDIDATES {
        let knowledge: Vec<Candidate> =
            diesel::sql_query(branch("'(' || ? || ') AND kind : knowledge'")).bind::<Text, _>(&fts).load(c)?;
        found.extend(knowledge);
    }
    Ok(found)
}

/// The newest matches with their scores, on PostgreSQL: newest matches
/// first, then rank only those (ranking reads each row's tsvector, which for
/// a common word would be most of the table). Knowledge has a partial GIN
/// index of its own. A larger work_mem keeps the bitmap exact, so rows are
/// not rechecked. Weights for D, C, B, A: body terms D, title terms A.
fn postgres_candidates(
    c: &mut diesel::PgConnection,
    query: &ParsedQuery,
    conditions: &Conditions,
) -> Result<Vec<Candidate>> {
    let filter = conditions.sql();
    let branch = |extra: &str| {
        format!(
            "(SELECT d.id FROM search_documents d WHERE d.terms @@ CAST($1 AS tsquery){filter}{extra} \
             ORDER BY d.id DESC LIMIT {CANDIDATES})"
        )
    };
    let ranked = |posts: &str| {
        format!(
            "WITH c AS ({posts} UNION {}) SELECT d.id AS id, \
             (ts_rank_cd('{{{body}, {part}, 0.1, 1.0}}'::float4[], d.terms, CAST($1 AS tsquery), 1) * d.boost)::float8 AS score \
             FROM c JOIN search_documents d ON d.id = c.id",
            branch(&format!(" AND d.kind = '{}'", super::index::KIND_KNOWLEDGE)),
            body = 1.0 / TITLE_WEIGHT,
            part = PART_WEIGHT / TITLE_WEIGHT
        )
    };
    let tsquery = query.to_tsquery();
    Ok(c.transaction(|c| {
        diesel::sql_query("SET LOCAL work_mem = '32MB'").execute(c)?;
        // The planner takes a Thai word's parts (ผู้รับ, ผิด, ชอบ) as
        // independent and, for a common word, expects a few thousand
        // matches where there are a hundred thousand: it then scans them
        // all. When the statistics say every term is common, walk the
        // newest rows instead, within a bounded window.
        if dense(c, query, conditions)? {
            diesel::sql_query("SET LOCAL enable_bitmapscan = off").execute(c)?;
            let walk = format!(
                "(SELECT d.id FROM search_documents d WHERE d.terms @@ CAST($1 AS tsquery){filter} \
                 AND d.id > (SELECT max(id) FROM search_documents) - {WALK_WINDOW} \
                 ORDER BY d.id DESC LIMIT {CANDIDATES})"
            );
            let found: Vec<Candidate> = diesel::sql_query(ranked(&walk)).bind::<Text, _>(&tsquery).load(c)?;
            diesel::sql_query("SET LOCAL enable_bitmapscan = on").execute(c)?;
            if found.len() as i64 >= CANDIDATES {
                return Ok(found);
            }
        }
        diesel::sql_query(ranked(&branch(""))).bind::<Text, _>(&tsquery).load(c)
    })?)
}
