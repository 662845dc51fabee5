//! Keeping the index in step with what it indexes. Domain writes call these
//! inside their own transaction, so a post, an edit, a delete, a resolve or
//! a distilled item is searchable (or gone) the moment it commits.
//! [`reindex`] rebuilds everything from the source tables.

use diesel::prelude::*;

use super::engine::{self, NewDocument};
use super::text;
use crate::db::schema::{
    boards, knowledge_items as items, knowledge_revisions as revisions, posts, search_documents as docs, threads,
};
use crate::db::{write_tx, AnyConnection};
use crate::error::Result;
use crate::markdown;
use crate::vocab::ItemStatus as Status;

/// Threads segmenting text during a rebuild: past eight, the database
/// writes are the bottleneck.
const MAX_SEGMENTING_THREADS: usize = 8;

pub const KIND_THREAD: &str = "thread";
pub const KIND_REPLY: &str = "reply";
pub const KIND_KNOWLEDGE: &str = "knowledge";

/// Published knowledge outranks discussion of the same words; an accepted
/// answer outranks other replies; archived knowledge sinks a little.
const BOOST_KNOWLEDGE: f64 = 2.0;
const BOOST_ACCEPTED: f64 = 1.5;
const BOOST_ARCHIVED: f64 = 0.8;
const BOOST_PLAIN: f64 = 1.0;

/// What the indexer needs of a post and its thread.
#[derive(Queryable, Selectable)]
#[diesel(table_name = posts)]
struct PostSource {
    #[diesel(column_name = id)]
    post_id: i64,
    parent_id: Option<i64>,
    author_id: i64,
    body_md: String,
    is_deleted: bool,
    hidden_at: Option<chrono::NaiveDateTime>,
    created_at: chrono::NaiveDateTime,
    thread_id: i64,
    #[diesel(select_expression = threads::title)]
    title: String,
    #[diesel(select_expression = threads::accepted_post_id)]
    accepted_post_id: Option<i64>,
    #[diesel(select_expression = threads::ready_to_distill)]
    ready_to_distill: bool,
    #[diesel(select_expression = threads::is_hidden)]
    thread_hidden: bool,
    #[diesel(select_expression = boards::community_id)]
    community_id: i64,
}

/// Deleted and hidden posts, and every post of a hidden thread, are not
/// searchable (see `moderation`).
fn write_post(conn: &mut AnyConnection, source: &PostSource) -> Result<()> {
    if source.is_deleted || source.hidden_at.is_some() || source.thread_hidden {
        return engine::remove(conn, post_kind(source), source.post_id);
    }
    engine::upsert(conn, &post_document(source))
}

fn post_kind(source: &PostSource) -> &'static str {
    if source.parent_id.is_none() {
        KIND_THREAD
    } else {
        KIND_REPLY
    }
}

/// A post as a document: a thread's opening post carries the thread's title
/// as its own; a reply shows the title but is not matched by it.
fn post_document(source: &PostSource) -> NewDocument<'_> {
    let kind = post_kind(source);
    let accepted = source.accepted_post_id == Some(source.post_id);
    NewDocument {
        kind,
        source_id: source.post_id,
        community_id: source.community_id,
        thread_id: Some(source.thread_id),
        author_id: source.author_id,
        title: &source.title,
        title_terms: if kind == KIND_THREAD { text::analyse(&source.title) } else { text::Analysed::default() },
        body_terms: text::analyse(&markdown::plain_text(&source.body_md)),
        resolved: source.accepted_post_id.is_some() || source.ready_to_distill,
        status: "",
        boost: if accepted { BOOST_ACCEPTED } else { BOOST_PLAIN },
        created_at: source.created_at,
    }
}

/// Indexes a post as it now is (a deleted post leaves the index).
pub fn post(conn: &mut AnyConnection, post_id: i64) -> Result<()> {
    super::dictionary::refresh(conn)?;
    let source: PostSource = posts::table
        .inner_join(threads::table.inner_join(boards::table))
        .filter(posts::id.eq(post_id))
        .select(PostSource::as_select())
        .first(conn)?;
    write_post(conn, &source)
}

/// Indexes many posts as they now are, segmented on every core and
/// written together (a rebuild's batch).
pub fn posts(conn: &mut AnyConnection, post_ids: &[i64]) -> Result<()> {
    let sources: Vec<PostSource> = posts::table
        .inner_join(threads::table.inner_join(boards::table))
        .filter(posts::id.eq_any(post_ids))
        .select(PostSource::as_select())
        .load(conn)?;
    let (gone, shown): (Vec<PostSource>, Vec<PostSource>) =
        sources.into_iter().partition(|s| s.is_deleted || s.hidden_at.is_some() || s.thread_hidden);
    for source in &gone {
        engine::remove(conn, post_kind(source), source.post_id)?;
    }
    engine::upsert_many(conn, &post_documents(&shown))
}

/// Indexes every post of a thread again (after the thread was hidden or
/// shown: see `moderation`).
pub fn thread_posts(conn: &mut AnyConnection, thread_id: i64) -> Result<()> {
    let ids: Vec<i64> = posts::table.filter(posts::thread_id.eq(thread_id)).select(posts::id).load(conn)?;
    ids.into_iter().try_for_each(|id| post(conn, id))
}

/// After a thread's title or resolution changed: every document of the
/// thread shows the title, carries the resolved flag, and only the accepted
/// answer is boosted.
pub fn thread(conn: &mut AnyConnection, thread_id: i64) -> Result<()> {
    let (title, accepted, ready): (String, Option<i64>, bool) = threads::table
        .find(thread_id)
        .select((threads::title, threads::accepted_post_id, threads::ready_to_distill))
        .first(conn)?;
    let of_thread = docs::table.filter(docs::thread_id.eq(thread_id));
    diesel::update(of_thread)
        .set((docs::title.eq(&title), docs::resolved.eq(accepted.is_some() || ready), docs::boost.eq(BOOST_PLAIN)))
        .execute(conn)?;
    if let Some(accepted) = accepted {
        diesel::update(of_thread.filter(docs::kind.eq(KIND_REPLY)).filter(docs::source_id.eq(accepted)))
            .set(docs::boost.eq(BOOST_ACCEPTED))
            .execute(conn)?;
    }
    Ok(())
}

/// What the indexer needs of a knowledge item (its text comes from the
/// current revision).
#[derive(Clone, Queryable, Selectable)]
#[diesel(table_name = items)]
struct ItemSource {
    id: i64,
    community_id: i64,
    status: Status,
    title: String,
    summary: String,
    created_by: i64,
    created_at: chrono::NaiveDateTime,
    published_at: Option<chrono::NaiveDateTime>,
}

/// Indexes a knowledge item's current revision and status.
pub fn item(conn: &mut AnyConnection, item_id: i64) -> Result<()> {
    super::dictionary::refresh(conn)?;
    let source: ItemSource = items::table.find(item_id).select(ItemSource::as_select()).first(conn)?;
    write_item(conn, source)
}

fn write_item(conn: &mut AnyConnection, item: ItemSource) -> Result<()> {
    let ItemSource { id, community_id, status, title, summary, created_by, created_at, published_at } = item;
    let sections: Option<(String, String, String, String)> = revisions::table
        .inner_join(
            items::table.on(items::id.eq(revisions::item_id).and(items::current_revision.eq(revisions::number))),
        )
        .filter(revisions::item_id.eq(id))
        .select((revisions::context_md, revisions::solution_md, revisions::lessons_md, revisions::tags))
        .first(conn)
        .optional()?;
    let (context, solution, lessons, tags) = sections.unwrap_or_default();
    let body = format!(
        "{summary}\n{}\n{}\n{}\n{tags}",
        markdown::plain_text(&context),
        markdown::plain_text(&solution),
        markdown::plain_text(&lessons)
    );
    let boost = match status {
        Status::Published | Status::NeedsReview => BOOST_KNOWLEDGE,
        Status::Archived => BOOST_ARCHIVED,
        Status::Draft => BOOST_PLAIN,
    };
    engine::upsert(
        conn,
        &NewDocument {
            kind: KIND_KNOWLEDGE,
            source_id: id,
            community_id,
            thread_id: None,
            author_id: created_by,
            title: &title,
            title_terms: text::analyse(&title),
            body_terms: text::analyse(&body),
            resolved: true,
            status: status.as_str(),
            boost,
            created_at: published_at.unwrap_or(created_at),
        },
    )
}

/// Documents for many posts, cut into words on every core: segmenting is
/// most of a reindex's work.
fn post_documents(rows: &[PostSource]) -> Vec<NewDocument<'_>> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(MAX_SEGMENTING_THREADS);
    let chunk = rows.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let parts: Vec<_> = rows
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(post_document).collect::<Vec<_>>()))
            .collect();
        // A worker only panics if segmenting does; pass that panic on.
        parts.into_iter().flat_map(|part| part.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    })
}

/// Rebuilds the whole index from posts and knowledge items, `BATCH` rows per
/// transaction; `progress` hears how many documents are done after each.
pub fn reindex(conn: &mut AnyConnection, mut progress: impl FnMut(u64)) -> Result<u64> {
    const BATCH: i64 = 2_000;
    super::dictionary::refresh(conn)?;
    write_tx(conn, engine::clear)?;
    let mut done = 0u64;
    let mut after = 0i64;
    loop {
        let rows: Vec<PostSource> = posts::table
            .inner_join(threads::table.inner_join(boards::table))
            .filter(posts::id.gt(after))
            .filter(posts::is_deleted.eq(false))
            .filter(posts::hidden_at.is_null())
            .filter(threads::is_hidden.eq(false))
            .order(posts::id.asc())
            .limit(BATCH)
            .select(PostSource::as_select())
            .load(conn)?;
        let Some(last) = rows.last() else { break };
        after = last.post_id;
        let count = rows.len() as u64;
        let documents = post_documents(&rows);
        write_tx(conn, |conn| engine::upsert_many(conn, &documents))?;
        done += count;
        progress(done);
    }
    let item_rows: Vec<ItemSource> = items::table.order(items::id.asc()).select(ItemSource::as_select()).load(conn)?;
    for chunk in item_rows.chunks(BATCH as usize) {
        write_tx(conn, |conn| chunk.iter().cloned().try_for_each(|row| write_item(conn, row)))?;
        done += chunk.len() as u64;
        progress(done);
    }
    super::dictionary::set_meta(conn, super::dictionary::search_meta_names::TEXT, super::rebuild::TEXT_VERSION)?;
    Ok(done)
}
