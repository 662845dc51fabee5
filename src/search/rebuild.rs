//! Index rebuilds in the background, safe with many instances: a rebuild
//! is a row of `search_rebuilds`, worked by whichever instance holds its
//! lease (renewed after every batch; an instance that dies lets it lapse
//! and another takes the job over from the start, which is harmless since
//! indexing a document twice writes the same thing). A rebuild either
//! redoes everything (the text rules changed: [`TEXT_VERSION`]) or only the
//! documents that hold some words (the dictionary changed).
//!
//! Each batch reads its sources and writes their documents in one write
//! transaction, with the sources locked on PostgreSQL: an edit committed
//! meanwhile waits, then indexes its own text after, never before.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt};
use serde::Serialize;

use super::dictionary::{self, search_meta_names};
use super::index;
use crate::db::schema::{knowledge_items as items, knowledge_revisions as revisions, posts, search_rebuilds, threads};
use crate::db::{write_tx, AnyConnection, Db};
use crate::error::Result;

/// The version of the rules that turn text into terms (`search::text`,
/// `search::words`). Raise it when they change: every server then rebuilds
/// the index in the background once.
pub const TEXT_VERSION: i64 = 1;
/// How long a claim on a rebuild lasts without news from its instance.
const LEASE_SECONDS: i64 = 60;
/// Documents per transaction.
const BATCH: usize = 500;

/// A rebuild as admins see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Progress {
    pub id: i64,
    /// The words whose documents are indexed again; empty for all.
    pub words: Vec<String>,
    pub done: i64,
    pub total: i64,
    pub finished: bool,
    pub created_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = search_rebuilds)]
struct Job {
    id: i64,
    words: String,
    done: i64,
    total: i64,
    created_at: NaiveDateTime,
    finished_at: Option<NaiveDateTime>,
}

impl Job {
    fn words(&self) -> Vec<String> {
        self.words.lines().map(str::to_string).collect()
    }

    fn progress(&self) -> Progress {
        Progress {
            id: self.id,
            words: self.words(),
            done: self.done,
            total: self.total,
            finished: self.finished_at.is_some(),
            created_at: self.created_at,
            finished_at: self.finished_at,
        }
    }
}

/// Asks for the documents holding `words` (all documents if empty) to be
/// indexed again.
pub fn enqueue(conn: &mut AnyConnection, words: &[String]) -> Result<i64> {
    Ok(diesel::insert_into(search_rebuilds::table)
        .values((search_rebuilds::words.eq(words.join("\n")), search_rebuilds::created_at.eq(crate::db::now())))
        .returning(search_rebuilds::id)
        .get_result(conn)?)
}

/// The latest rebuilds, newest first.
pub fn recent(conn: &mut AnyConnection, limit: i64) -> Result<Vec<Progress>> {
    let jobs: Vec<Job> =
        search_rebuilds::table.order(search_rebuilds::id.desc()).limit(limit).select(Job::as_select()).load(conn)?;
    Ok(jobs.iter().map(Job::progress).collect())
}

/// At start-up: the dictionary's first entries on a new database, and a
/// full rebuild when the index was built by older text rules (not when
/// there is nothing to index yet).
pub fn on_start(conn: &mut AnyConnection) -> Result<bool> {
    dictionary::install_defaults(conn)?;
    if dictionary::meta(conn, search_meta_names::TEXT)? == Some(TEXT_VERSION) {
        return Ok(false);
    }
    write_tx(conn, |conn| {
        let built_with = dictionary::meta(conn, search_meta_names::TEXT)?.unwrap_or(0);
        if built_with == TEXT_VERSION {
            return Ok(false);
        }
        dictionary::set_meta(conn, search_meta_names::TEXT, TEXT_VERSION)?;
        let has_text: bool = diesel::select(diesel::dsl::exists(posts::table.select(posts::id))).get_result(conn)?;
        if has_text {
            enqueue(conn, &[])?;
        }
        Ok(has_text)
    })
}

/// Works every rebuild no live instance holds, until none is left; the
/// number worked. Any instance may call it at any time.
pub fn run_pending(db: &Db) -> Result<usize> {
    let token = format!("{}-{}", std::process::id(), rand::random::<u32>());
    let mut worked = 0;
    while let Some(job) = claim(&mut *db.conn()?, &token)? {
        run(&mut *db.conn()?, &job, &token)?;
        worked += 1;
    }
    Ok(worked)
}

/// Works pending rebuilds on a thread of their own (after a dictionary
/// change, so the person who made it sees it done without waiting for the
/// scheduler).
pub fn spawn(db: Db) {
    let started = std::thread::Builder::new().name("search-rebuild".into()).spawn(move || {
        if let Err(e) = run_pending(&db) {
            tracing::error!(error = %e, "search index rebuild failed");
        }
    });
    if let Err(e) = started {
        tracing::error!(error = %e, "cannot start the search index rebuild");
    }
}

fn lease_end() -> NaiveDateTime {
    crate::db::now() + chrono::Duration::seconds(LEASE_SECONDS)
}

fn claim(conn: &mut AnyConnection, token: &str) -> Result<Option<Job>> {
    let now = crate::db::now();
    let open: Vec<i64> = search_rebuilds::table
        .filter(search_rebuilds::finished_at.is_null())
        .filter(search_rebuilds::lease_until.is_null().or(search_rebuilds::lease_until.lt(now)))
        .order(search_rebuilds::id.asc())
        .select(search_rebuilds::id)
        .load(conn)?;
    for id in open {
        // Whoever changes the row first holds the lease.
        let claimed = diesel::update(
            search_rebuilds::table
                .find(id)
                .filter(search_rebuilds::finished_at.is_null())
                .filter(search_rebuilds::lease_until.is_null().or(search_rebuilds::lease_until.lt(now))),
        )
        .set((
            search_rebuilds::claimed_by.eq(token),
            search_rebuilds::lease_until.eq(lease_end()),
            search_rebuilds::done.eq(0),
        ))
        .execute(conn)?;
        if claimed == 1 {
            return Ok(Some(search_rebuilds::table.find(id).select(Job::as_select()).first(conn)?));
        }
    }
    Ok(None)
}

/// Records progress and renews the lease; false when another instance
/// took the job over (this one then stops).
fn report(conn: &mut AnyConnection, job: i64, token: &str, done: i64, total: i64) -> Result<bool> {
    let held = diesel::update(search_rebuilds::table.find(job).filter(search_rebuilds::claimed_by.eq(token)))
        .set((
            search_rebuilds::done.eq(done),
            search_rebuilds::total.eq(total),
            search_rebuilds::lease_until.eq(lease_end()),
        ))
        .execute(conn)?;
    Ok(held == 1)
}

fn run(conn: &mut AnyConnection, job: &Job, token: &str) -> Result<()> {
    dictionary::refresh(conn)?;
    let words = job.words();
    let (post_ids, item_ids) = if words.is_empty() { everything(conn)? } else { holding(conn, &words)? };
    let total = (post_ids.len() + item_ids.len()) as i64;
    let mut done = 0i64;
    if !report(conn, job.id, token, done, total)? {
        return Ok(());
    }
    for batch in post_ids.chunks(BATCH) {
        write_tx(conn, |conn| {
            dictionary::refresh(conn)?;
            lock_posts(conn, batch)?;
            index::posts(conn, batch)
        })?;
        done += batch.len() as i64;
        if !report(conn, job.id, token, done, total)? {
            return Ok(());
        }
    }
    for batch in item_ids.chunks(BATCH) {
        write_tx(conn, |conn| batch.iter().try_for_each(|id| index::item(conn, *id)))?;
        done += batch.len() as i64;
        if !report(conn, job.id, token, done, total)? {
            return Ok(());
        }
    }
    diesel::update(search_rebuilds::table.find(job.id).filter(search_rebuilds::claimed_by.eq(token)))
        .set((
            search_rebuilds::finished_at.eq(crate::db::now()),
            search_rebuilds::lease_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// On PostgreSQL, holds the posts still until the batch commits (SQLite's
/// write transaction already excludes other writers).
fn lock_posts(conn: &mut AnyConnection, ids: &[i64]) -> Result<()> {
    if let AnyConnection::Postgresql(c) = conn {
        diesel::sql_query("SELECT id FROM posts WHERE id = ANY($1) FOR SHARE")
            .bind::<Array<BigInt>, _>(ids)
            .execute(c)?;
    }
    Ok(())
}

fn everything(conn: &mut AnyConnection) -> Result<(Vec<i64>, Vec<i64>)> {
    let post_ids = posts::table.order(posts::id.asc()).select(posts::id).load(conn)?;
    let item_ids = items::table.order(items::id.asc()).select(items::id).load(conn)?;
    Ok((post_ids, item_ids))
}

/// The posts and items whose text holds any of `words` (as written, or
/// without an abbreviation's dots), whatever the case: only they are cut
/// differently once a word is kept whole, or no longer.
fn holding(conn: &mut AnyConnection, words: &[String]) -> Result<(Vec<i64>, Vec<i64>)> {
    let mut patterns: Vec<String> = Vec::new();
    for word in words {
        let word = super::text::normalise(word).to_lowercase();
        let undotted: String = word.chars().filter(|c| *c != '.').collect();
        for form in [word, undotted] {
            let pattern = format!("%{}%", form.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
            if form.chars().count() >= 2 && !patterns.contains(&pattern) {
                patterns.push(pattern);
            }
        }
    }
    use diesel::dsl::sql;
    use diesel::sql_types::Bool;
    let mut post_ids: Vec<i64> = Vec::new();
    let mut item_ids: Vec<i64> = Vec::new();
    for pattern in &patterns {
        let like = |column: &str| {
            sql::<Bool>(&format!("lower({column}) LIKE "))
                .bind::<diesel::sql_types::Text, _>(pattern.clone())
                .sql(" ESCAPE '\\'")
        };
        post_ids.extend(
            posts::table
                .inner_join(threads::table)
                .filter(like("posts.body_md").or(like("threads.title")))
                .select(posts::id)
                .load::<i64>(conn)?,
        );
        item_ids.extend(
            items::table
                .left_join(revisions::table.on(revisions::item_id.eq(items::id)))
                .filter(
                    like("knowledge_items.title")
                        .or(like("knowledge_items.summary"))
                        .or(like("knowledge_revisions.context_md"))
                        .or(like("knowledge_revisions.solution_md"))
                        .or(like("knowledge_revisions.lessons_md"))
                        .or(like("knowledge_revisions.tags")),
                )
                .select(items::id)
                .load::<i64>(conn)?,
        );
    }
    post_ids.sort_unstable();
    post_ids.dedup();
    item_ids.sort_unstable();
    item_ids.dedup();
    Ok((post_ids, item_ids))
}
