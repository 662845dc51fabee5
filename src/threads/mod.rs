//! Threads and posts: who may post where, and what each write changes.
//! A thread's opening post is its root (depth 0); every reply has a parent.
//! What pages show lives in [`views`] and the reply tree in [`tree`].

pub mod tree;
pub mod views;

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::audit;
use crate::authz::{authorize, Action, Standing, Viewer};
use crate::communities::{self, Board};
use crate::db::schema::{boards, communities as communities_t, post_revisions, posts, threads};
use crate::db::{now, write_tx, AnyConnection};
use crate::error::{Error, FieldError, Result, Validator};
use crate::files;
use crate::markdown;
use crate::mentions;
use crate::search;
use crate::tags;
use crate::watching;

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_BODY_CHARS: usize = 50_000;

pub use crate::vocab::ThreadKind;

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = threads)]
pub struct Thread {
    pub id: i64,
    pub board_id: i64,
    pub author_id: i64,
    pub kind: ThreadKind,
    pub title: String,
    pub is_locked: bool,
    pub is_pinned: bool,
    pub reply_count: i32,
    pub created_at: chrono::NaiveDateTime,
    pub last_activity_at: chrono::NaiveDateTime,
    /// Bumped by every change to what the thread's pages show.
    pub version: i32,
    /// On a question: the reply the asker or a facilitator accepted.
    pub accepted_post_id: Option<i64>,
    /// On an experience: a facilitator marked it ready to distill.
    pub ready_to_distill: bool,
    /// Who resolved it (accepted an answer, or marked it ready), and when.
    pub resolved_by: Option<i64>,
    pub resolved_at: Option<chrono::NaiveDateTime>,
    /// Its opening post is hidden (see `moderation`): listings leave it out.
    pub is_hidden: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = posts)]
pub struct Post {
    pub id: i64,
    pub thread_id: i64,
    pub parent_id: Option<i64>,
    pub author_id: i64,
    pub depth: i32,
    pub body_md: String,
    pub body_html: String,
    pub is_deleted: bool,
    pub edit_count: i32,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    /// Hidden pending review or by a facilitator: only the author and the
    /// facilitators see it (see `moderation`).
    pub hidden_at: Option<chrono::NaiveDateTime>,
    /// A facilitator decided on this post; flags alone no longer hide it.
    pub moderated_at: Option<chrono::NaiveDateTime>,
}

impl Post {
    pub fn is_hidden(&self) -> bool {
        self.hidden_at.is_some()
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = post_revisions)]
pub struct PostRevision {
    pub id: i64,
    pub post_id: i64,
    pub editor_id: i64,
    pub body_md: String,
    pub created_at: chrono::NaiveDateTime,
    /// Rendered when written, like the post.
    pub body_html: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewThread {
    #[schema(value_type = ThreadKind)]
    pub kind: String,
    pub title: String,
    pub body: String,
    /// Up to five tags, comma-separated: the knowledge base's vocabulary.
    #[serde(default)]
    pub tags: String,
}

/// Where a thread lives, and the viewer's standing there.
#[derive(Clone)]
pub struct ThreadContext {
    pub thread: Thread,
    pub board: Board,
    pub community: communities::Community,
    pub standing: Standing,
}

/// Marks a thread's pages as changed, and its board's listing when the
/// change shows there too (new replies, title, lock, pin).
pub(crate) fn bump(conn: &mut AnyConnection, thread_id: i64, board_id: Option<i64>) -> Result<()> {
    diesel::update(threads::table.find(thread_id)).set(threads::version.eq(threads::version + 1)).execute(conn)?;
    if let Some(board_id) = board_id {
        diesel::update(boards::table.find(board_id)).set(boards::version.eq(boards::version + 1)).execute(conn)?;
    }
    Ok(())
}

fn validate_body(v: &mut Validator, body: &str) {
    v.text("body", body, MAX_BODY_CHARS);
}

pub fn by_id(conn: &mut AnyConnection, thread_id: i64) -> Result<Thread> {
    Ok(threads::table.find(thread_id).select(Thread::as_select()).first(conn)?)
}

pub fn post_by_id(conn: &mut AnyConnection, post_id: i64) -> Result<Post> {
    Ok(posts::table.find(post_id).select(Post::as_select()).first(conn)?)
}

/// Loads a thread the viewer may read, with its board, community and the
/// viewer's standing (a private community's thread is "not found").
pub fn readable(conn: &mut AnyConnection, viewer: Viewer, thread_id: i64) -> Result<ThreadContext> {
    // Every view of a thread starts here: one query, on the inner connection
    // so that its prepared statement is cached.
    // (`as_select` is per backend: the query is built in each arm.)
    let (thread, board, community) = crate::db::on_inner!(conn, |c| threads::table
        .inner_join(boards::table.inner_join(communities_t::table))
        .filter(threads::id.eq(thread_id))
        .select((Thread::as_select(), Board::as_select(), communities::Community::as_select()))
        .first(c))?;
    let standing = communities::standing(conn, viewer, community.id)?;
    communities::may_enter(viewer, standing, &community)?;
    Ok(ThreadContext { thread, board, community, standing })
}

impl ThreadContext {
    /// The versions a rendering of this thread is valid for.
    pub fn stamp(&self) -> views::CacheStamp {
        views::CacheStamp {
            thread_version: self.thread.version,
            board_id: self.board.id,
            board_version: self.board.version,
            community_version: self.community.version,
            is_public: self.community.is_public,
        }
    }
}

fn insert_post(
    conn: &mut AnyConnection,
    community_id: i64,
    thread_id: i64,
    parent: Option<&Post>,
    author_id: i64,
    body: &str,
) -> Result<Post> {
    let at = now();
    let mentioned = mentions::resolve(conn, body)?;
    let html = files::render_post(conn, community_id, body, &mentions::links(&mentioned))?;
    let post: Post = diesel::insert_into(posts::table)
        .values((
            posts::thread_id.eq(thread_id),
            posts::parent_id.eq(parent.map(|p| p.id)),
            posts::author_id.eq(author_id),
            posts::depth.eq(parent.map_or(0, |p| p.depth + 1)),
            posts::body_md.eq(body),
            posts::body_html.eq(&html),
            posts::is_deleted.eq(false),
            posts::edit_count.eq(0),
            posts::created_at.eq(at),
            posts::updated_at.eq(at),
        ))
        .returning(posts::all_columns)
        .get_result(conn)?;
    record_revision(conn, post.id, author_id, body, &html)?;
    files::link_post(conn, post.id, community_id, body)?;
    // The parent's author hears of a reply as a reply (see `reply`).
    let parent_author = parent.map(|p| p.author_id);
    let mentioned: Vec<_> = mentioned.into_iter().filter(|m| Some(m.user_id) != parent_author).collect();
    mentions::notify(conn, &mentioned, community_id, thread_id, post.id, author_id)?;
    Ok(post)
}

fn record_revision(conn: &mut AnyConnection, post_id: i64, editor_id: i64, body: &str, html: &str) -> Result<()> {
    diesel::insert_into(post_revisions::table)
        .values((
            post_revisions::post_id.eq(post_id),
            post_revisions::editor_id.eq(editor_id),
            post_revisions::body_md.eq(body),
            post_revisions::body_html.eq(html),
            post_revisions::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Renders the HTML of revisions written before it was stored (migration
/// 0009), a batch at a time; returns how many were filled in.
pub fn backfill_revision_html(conn: &mut AnyConnection) -> Result<usize> {
    const BATCH: i64 = 500;
    let mut done = 0;
    loop {
        let batch: Vec<(i64, String)> = post_revisions::table
            .filter(post_revisions::body_html.eq(""))
            .order(post_revisions::id.asc())
            .limit(BATCH)
            .select((post_revisions::id, post_revisions::body_md))
            .load(conn)?;
        if batch.is_empty() {
            return Ok(done);
        }
        write_tx(conn, |conn| {
            for (id, body) in &batch {
                diesel::update(post_revisions::table.find(id))
                    .set(post_revisions::body_html.eq(markdown::render(body)))
                    .execute(conn)?;
            }
            Ok(())
        })?;
        done += batch.len();
    }
}

/// Starts a thread: the thread row and its opening post, in one transaction.
pub fn create_thread(
    conn: &mut AnyConnection,
    viewer: Viewer,
    board_id: i64,
    input: &NewThread,
) -> Result<(Thread, Post)> {
    let board = communities::board_by_id(conn, board_id)?;
    let standing = communities::standing(conn, viewer, board.community_id)?;
    authorize(viewer, standing, Action::StartThread)?;
    let author_id = viewer.user_id.ok_or(Error::Unauthenticated)?;
    let kind = ThreadKind::parse(input.kind.trim());
    let mut v = Validator::default();
    v.check(kind.is_some(), FieldError::new("kind", "error-invalid-choice"));
    v.line("title", &input.title, MAX_TITLE_CHARS);
    validate_body(&mut v, &input.body);
    let tag_list = tags::validate(&mut v, "tags", &input.tags, tags::MAX_THREAD_TAGS);
    v.finish()?;
    let kind = kind.unwrap_or(ThreadKind::Question);
    write_tx(conn, |conn| {
        let at = now();
        let thread: Thread = diesel::insert_into(threads::table)
            .values((
                threads::board_id.eq(board_id),
                threads::author_id.eq(author_id),
                threads::kind.eq(kind),
                threads::title.eq(input.title.trim()),
                threads::is_locked.eq(false),
                threads::is_pinned.eq(false),
                threads::reply_count.eq(0),
                threads::created_at.eq(at),
                threads::last_activity_at.eq(at),
            ))
            .returning(threads::all_columns)
            .get_result(conn)?;
        tags::set_for_thread(conn, thread.id, &tag_list)?;
        let post = insert_post(conn, board.community_id, thread.id, None, author_id, &input.body)?;
        search::index::post(conn, post.id)?;
        watching::on_post(conn, thread.id, post.id, author_id, Some(&tag_list))?;
        if kind == ThreadKind::Question {
            watching::watch(conn, viewer, "thread", &thread.id.to_string())?;
        }
        diesel::update(boards::table.find(board_id))
            .set((boards::version.eq(boards::version + 1), boards::thread_count.eq(boards::thread_count + 1)))
            .execute(conn)?;
        diesel::update(communities_t::table.find(board.community_id))
            .set((
                communities_t::version.eq(communities_t::version + 1),
                communities_t::thread_count.eq(communities_t::thread_count + 1),
            ))
            .execute(conn)?;
        Ok((thread, post))
    })
}

/// Replies to a post of the thread, or to the thread itself (its opening
/// post) when `parent_id` is `None`.
pub fn reply(
    conn: &mut AnyConnection,
    viewer: Viewer,
    thread_id: i64,
    parent_id: Option<i64>,
    body: &str,
) -> Result<Post> {
    let ctx = readable(conn, viewer, thread_id)?;
    authorize(viewer, ctx.standing, Action::Reply { thread_locked: ctx.thread.is_locked })?;
    let author_id = viewer.user_id.ok_or(Error::Unauthenticated)?;
    let mut v = Validator::default();
    validate_body(&mut v, body);
    v.finish()?;
    write_tx(conn, |conn| {
        let parent: Post = match parent_id {
            Some(id) => posts::table
                .find(id)
                .filter(posts::thread_id.eq(thread_id))
                .select(Post::as_select())
                .first(conn)
                .optional()?
                .ok_or_else(|| Error::invalid("parent_id", "error-parent-not-in-thread"))?,
            None => opening_post(conn, thread_id)?,
        };
        let post = insert_post(conn, ctx.community.id, thread_id, Some(&parent), author_id, body)?;
        search::index::post(conn, post.id)?;
        diesel::update(threads::table.find(thread_id))
            .set((threads::reply_count.eq(threads::reply_count + 1), threads::last_activity_at.eq(post.created_at)))
            .execute(conn)?;
        bump(conn, thread_id, Some(ctx.thread.board_id))?;
        crate::notifications::record(
            conn,
            parent.author_id,
            crate::notifications::REPLY,
            thread_id,
            Some(post.id),
            author_id,
        )?;
        watching::on_post(conn, thread_id, post.id, author_id, None)?;
        Ok(post)
    })
}

pub fn opening_post(conn: &mut AnyConnection, thread_id: i64) -> Result<Post> {
    Ok(posts::table
        .filter(posts::thread_id.eq(thread_id))
        .filter(posts::parent_id.is_null())
        .select(Post::as_select())
        .first(conn)?)
}

/// Edits a post (and, for an opening post, optionally the thread's title),
/// keeping the new text as a revision.
pub fn edit_post(
    conn: &mut AnyConnection,
    viewer: Viewer,
    post_id: i64,
    body: &str,
    title: Option<&str>,
) -> Result<Post> {
    let post = post_by_id(conn, post_id)?;
    let ctx = readable(conn, viewer, post.thread_id)?;
    authorize(viewer, ctx.standing, Action::EditPost { author_id: post.author_id })?;
    if post.is_deleted {
        return Err(Error::NotFound);
    }
    let editor_id = viewer.user_id.ok_or(Error::Unauthenticated)?;
    let mut v = Validator::default();
    validate_body(&mut v, body);
    let title = title.filter(|_| post.parent_id.is_none());
    if let Some(title) = title {
        v.line("title", title, MAX_TITLE_CHARS);
    }
    v.finish()?;
    write_tx(conn, |conn| {
        if let Some(title) = title {
            diesel::update(threads::table.find(post.thread_id)).set(threads::title.eq(title.trim())).execute(conn)?;
            search::index::thread(conn, post.thread_id)?;
        }
        bump(conn, post.thread_id, title.map(|_| ctx.thread.board_id))?;
        if body == post.body_md {
            // Same text: only a new title has anything to re-index.
            if title.is_some() {
                search::index::post(conn, post_id)?;
            }
            return Ok(post.clone());
        }
        let mentioned = mentions::resolve(conn, body)?;
        let html = files::render_post(conn, ctx.community.id, body, &mentions::links(&mentioned))?;
        let updated: Post = diesel::update(posts::table.find(post_id))
            .set((
                posts::body_md.eq(body),
                posts::body_html.eq(&html),
                posts::edit_count.eq(posts::edit_count + 1),
                posts::updated_at.eq(now()),
            ))
            .returning(posts::all_columns)
            .get_result(conn)?;
        record_revision(conn, post_id, editor_id, body, &html)?;
        files::link_post(conn, post_id, ctx.community.id, body)?;
        search::index::post(conn, post_id)?;
        // The author's, not the editor's: a facilitator tidying a post does
        // not become the one who mentioned.
        mentions::notify(conn, &mentioned, ctx.community.id, post.thread_id, post_id, post.author_id)?;
        Ok(updated)
    })
}

/// Soft-deletes a post: its place in the tree stays, with a placeholder, so
/// the replies under it keep their context.
pub fn delete_post(conn: &mut AnyConnection, viewer: Viewer, post_id: i64) -> Result<Post> {
    let post = post_by_id(conn, post_id)?;
    let ctx = readable(conn, viewer, post.thread_id)?;
    authorize(viewer, ctx.standing, Action::DeletePost { author_id: post.author_id })?;
    write_tx(conn, |conn| {
        bump(conn, post.thread_id, None)?;
        // Deleting one's own post is not moderation; someone else's is.
        if viewer.user_id != Some(post.author_id) {
            let target = audit::Target::Post(post_id);
            audit::by(conn, viewer, ctx.community.id, audit::AuditAction::PostDelete, target, Some(post.author_id))?;
        }
        let deleted: Post = diesel::update(posts::table.find(post_id))
            .set((posts::is_deleted.eq(true), posts::updated_at.eq(now())))
            .returning(posts::all_columns)
            .get_result(conn)?;
        search::index::post(conn, post_id)?;
        Ok(deleted)
    })
}

#[derive(Debug, Clone, Copy)]
pub enum ThreadFlag {
    Locked,
    Pinned,
}

/// Facilitators lock a thread (no more replies) or pin it (first in its board).
pub fn set_flag(
    conn: &mut AnyConnection,
    viewer: Viewer,
    thread_id: i64,
    flag: ThreadFlag,
    on: bool,
) -> Result<Thread> {
    let ctx = readable(conn, viewer, thread_id)?;
    authorize(viewer, ctx.standing, Action::ModerateThread)?;
    write_tx(conn, |conn| {
        bump(conn, thread_id, Some(ctx.thread.board_id))?;
        let action = match (flag, on) {
            (ThreadFlag::Locked, true) => audit::AuditAction::ThreadLock,
            (ThreadFlag::Locked, false) => audit::AuditAction::ThreadUnlock,
            (ThreadFlag::Pinned, true) => audit::AuditAction::ThreadPin,
            (ThreadFlag::Pinned, false) => audit::AuditAction::ThreadUnpin,
        };
        let target = audit::Target::Thread(thread_id);
        audit::by(conn, viewer, ctx.community.id, action, target, Some(ctx.thread.author_id))?;
        let target = threads::table.find(thread_id);
        let update = match flag {
            ThreadFlag::Locked => {
                diesel::update(target).set(threads::is_locked.eq(on)).returning(threads::all_columns).get_result(conn)
            }
            ThreadFlag::Pinned => {
                diesel::update(target).set(threads::is_pinned.eq(on)).returning(threads::all_columns).get_result(conn)
            }
        };
        Ok(update?)
    })
}

/// A post's revisions, oldest first (the first is the original text).
pub fn revisions(conn: &mut AnyConnection, viewer: Viewer, post_id: i64) -> Result<(Post, Vec<PostRevision>)> {
    let post = post_by_id(conn, post_id)?;
    readable(conn, viewer, post.thread_id)?;
    if post.is_deleted {
        return Err(Error::NotFound);
    }
    let list = post_revisions::table
        .filter(post_revisions::post_id.eq(post_id))
        .order(post_revisions::id.asc())
        .select(PostRevision::as_select())
        .load(conn)?;
    Ok((post, list))
}

/// Which community a board belongs to, for breadcrumbs and checks.
pub fn community_of_board(conn: &mut AnyConnection, board_id: i64) -> Result<i64> {
    Ok(boards::table.find(board_id).select(boards::community_id).first(conn)?)
}
