//! Read models for thread pages and listings.

use diesel::prelude::*;
use serde::Serialize;

use super::tree::{self, Node};
use super::{readable, Thread};
use crate::authz::{can, Action, Standing, Viewer};
use crate::communities::{Board, Community};
use crate::db::schema::{boards, communities, memberships, posts, thread_tags, threads, users};
use crate::db::AnyConnection;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, Queryable)]
pub struct AuthorRef {
    pub id: i64,
    pub username: String,
    pub display_name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PostView {
    pub id: i64,
    pub parent_id: Option<i64>,
    /// Depth in the whole thread (0 = opening post).
    pub depth: i32,
    /// Indentation on this page (depth below the page's root).
    pub indent: usize,
    pub author: AuthorRef,
    /// Empty for a deleted post, and for a hidden one unless the viewer is
    /// its author or a facilitator; the page shows a placeholder instead.
    pub body_html: String,
    pub is_deleted: bool,
    /// Hidden pending review or by a facilitator (see `moderation`).
    pub is_hidden: bool,
    pub edit_count: i32,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    /// Replies below the depth cap are behind a "continue this thread" link.
    pub continues: bool,
    /// For a reply to a reply: whom it answers (the parent's author), since
    /// indentation alone is hard to follow on a phone.
    pub reply_to: Option<AuthorRef>,
    /// The files the post references (none shown for a deleted or hidden post).
    pub files: Vec<crate::files::AttachmentView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ThreadPage {
    pub thread: Thread,
    pub author: AuthorRef,
    pub board: Board,
    pub community: Community,
    pub standing: Standing,
    pub posts: Vec<PostView>,
    pub page: usize,
    pub pages: usize,
    /// Posts in the laid-out tree (the whole thread, or the subtree shown).
    pub total: usize,
    /// Set when the page shows a subtree ("continue this thread").
    pub root_post_id: Option<i64>,
    pub root_parent_id: Option<i64>,
}

#[derive(Clone)]
pub struct TreeWindow {
    pub page: usize,
    pub page_size: usize,
    pub max_depth: usize,
    /// Show the subtree under this post instead of the whole thread.
    pub root: Option<i64>,
}

/// The shape of a thread's tree (ids and parents only, in creation order)
/// and the id of its opening post.
fn load_skeleton(conn: &mut AnyConnection, thread_id: i64) -> Result<(Vec<Node>, i64)> {
    let nodes: Vec<Node> = posts::table
        .filter(posts::thread_id.eq(thread_id))
        .order(posts::id.asc())
        .select((posts::id, posts::parent_id))
        .load::<(i64, Option<i64>)>(conn)?
        .into_iter()
        .map(|(id, parent_id)| Node { id, parent_id })
        .collect();
    let opening = nodes.iter().find(|n| n.parent_id.is_none()).map(|n| n.id).ok_or(Error::NotFound)?;
    Ok((nodes, opening))
}

/// A page of a thread's tree. Loads only (id, parent) for the whole thread to
/// lay out the tree, then the full rows of the posts on this page.
pub fn thread_page(
    conn: &mut AnyConnection,
    viewer: Viewer,
    thread_id: i64,
    window: &TreeWindow,
) -> Result<ThreadPage> {
    let ctx = shown(conn, viewer, thread_id)?;
    let standing = ctx.standing;
    thread_page_in(conn, ctx, window, &|author_id| can(viewer, standing, Action::SeeHidden { author_id }))
}

/// A thread the viewer may read and see: one whose opening post is hidden
/// is not there for anyone but its author and the facilitators.
pub fn shown(conn: &mut AnyConnection, viewer: Viewer, thread_id: i64) -> Result<super::ThreadContext> {
    let ctx = readable(conn, viewer, thread_id)?;
    if ctx.thread.is_hidden && !can(viewer, ctx.standing, Action::SeeHidden { author_id: ctx.thread.author_id }) {
        return Err(Error::NotFound);
    }
    Ok(ctx)
}

/// Whether a reader sees any of the hidden posts by `authors` (their own, or
/// everyone's as a facilitator): then a rendering shared by readers who see
/// none of them is not theirs.
pub fn sees_any_hidden(viewer: Viewer, standing: crate::authz::Standing, authors: &[i64]) -> bool {
    authors.iter().any(|&author_id| can(viewer, standing, Action::SeeHidden { author_id }))
}

/// A page of a thread already found readable; `sees_hidden` says whose
/// hidden posts the page shows (by author), the others show a placeholder.
pub fn thread_page_in(
    conn: &mut AnyConnection,
    ctx: super::ThreadContext,
    window: &TreeWindow,
    sees_hidden: &dyn Fn(i64) -> bool,
) -> Result<ThreadPage> {
    let thread_id = ctx.thread.id;
    let (skeleton, opening) = load_skeleton(conn, thread_id)?;
    let root = window.root.unwrap_or(opening);
    let root_parent_id = skeleton.iter().find(|n| n.id == root).ok_or(Error::NotFound)?.parent_id;
    let placed = tree::layout(&skeleton, root, window.max_depth);
    let total = placed.len();
    let pages = total.div_ceil(window.page_size).max(1);
    let page = window.page.clamp(1, pages);
    let slice = &placed[((page - 1) * window.page_size).min(total)..(page * window.page_size).min(total)];
    let ids: Vec<i64> = slice.iter().map(|p| p.id).collect();
    let rows: Vec<(super::Post, AuthorRef)> = posts::table
        .inner_join(users::table)
        .filter(posts::id.eq_any(&ids))
        .select((super::Post::as_select(), (users::id, users::username, users::display_name)))
        .load(conn)?;
    let parent_ids: Vec<i64> = rows.iter().filter(|(p, _)| p.depth >= 2).filter_map(|(p, _)| p.parent_id).collect();
    let parent_authors: std::collections::HashMap<i64, AuthorRef> = posts::table
        .inner_join(users::table)
        .filter(posts::id.eq_any(&parent_ids))
        .select((posts::id, (users::id, users::username, users::display_name)))
        .load::<(i64, AuthorRef)>(conn)?
        .into_iter()
        .collect();
    let mut by_id: std::collections::HashMap<i64, (super::Post, AuthorRef)> =
        rows.into_iter().map(|r| (r.0.id, r)).collect();
    let mut files = crate::files::for_posts(conn, &ids)?;
    let posts = slice
        .iter()
        .filter_map(|placed| {
            let (post, author) = by_id.remove(&placed.id)?;
            let shown = !post.is_deleted && (!post.is_hidden() || sees_hidden(author.id));
            Some(PostView {
                id: post.id,
                parent_id: post.parent_id,
                depth: post.depth,
                indent: placed.depth,
                author,
                is_hidden: post.is_hidden(),
                body_html: if shown { post.body_html } else { String::new() },
                is_deleted: post.is_deleted,
                edit_count: post.edit_count,
                created_at: post.created_at,
                updated_at: post.updated_at,
                continues: placed.continues,
                reply_to: post.parent_id.and_then(|id| parent_authors.get(&id).cloned()),
                files: if shown { files.remove(&post.id).unwrap_or_default() } else { Vec::new() },
            })
        })
        .collect();
    let author = users::table
        .find(ctx.thread.author_id)
        .select((users::id, users::username, users::display_name))
        .first(conn)?;
    Ok(ThreadPage {
        thread: ctx.thread,
        author,
        board: ctx.board,
        community: ctx.community,
        standing: ctx.standing,
        posts,
        page,
        pages,
        total,
        root_post_id: window.root.filter(|r| *r != opening),
        root_parent_id: window.root.filter(|r| *r != opening).and(root_parent_id),
    })
}

/// One line of a thread listing.
#[derive(Debug, Serialize, utoipa::ToSchema, Queryable)]
pub struct ThreadRow {
    pub id: i64,
    pub kind: crate::vocab::ThreadKind,
    pub title: String,
    pub is_locked: bool,
    pub is_pinned: bool,
    pub reply_count: i32,
    pub created_at: chrono::NaiveDateTime,
    pub last_activity_at: chrono::NaiveDateTime,
    pub author_username: String,
    pub author_display_name: String,
    pub board_slug: String,
    pub board_name: String,
    pub community_slug: String,
    pub community_name: String,
    pub accepted_post_id: Option<i64>,
    pub ready_to_distill: bool,
}

type ThreadRowColumns = (
    threads::id,
    threads::kind,
    threads::title,
    threads::is_locked,
    threads::is_pinned,
    threads::reply_count,
    threads::created_at,
    threads::last_activity_at,
    users::username,
    users::display_name,
    boards::slug,
    boards::name,
    communities::slug,
    communities::name,
    threads::accepted_post_id,
    threads::ready_to_distill,
);

const THREAD_ROW: ThreadRowColumns = (
    threads::id,
    threads::kind,
    threads::title,
    threads::is_locked,
    threads::is_pinned,
    threads::reply_count,
    threads::created_at,
    threads::last_activity_at,
    users::username,
    users::display_name,
    boards::slug,
    boards::name,
    communities::slug,
    communities::name,
    threads::accepted_post_id,
    threads::ready_to_distill,
);

/// A board's threads: pinned first, then by last activity.
pub fn board_threads(
    conn: &mut AnyConnection,
    board_id: i64,
    page: usize,
    per_page: usize,
) -> Result<(Vec<ThreadRow>, i64)> {
    let listed = threads::board_id.eq(board_id).and(threads::is_hidden.eq(false));
    let total: i64 = threads::table.filter(listed).count().get_result(conn)?;
    let rows = threads::table
        .inner_join(users::table)
        .inner_join(boards::table.inner_join(communities::table))
        .filter(listed)
        .order((threads::is_pinned.desc(), threads::last_activity_at.desc(), threads::id.desc()))
        .limit(per_page as i64)
        .offset(((page.max(1) - 1) * per_page) as i64)
        .select(THREAD_ROW)
        .load(conn)?;
    Ok((rows, total))
}

/// Recently active threads the viewer may read, optionally in one community.
pub fn recent_threads(
    conn: &mut AnyConnection,
    viewer: Viewer,
    community_id: Option<i64>,
    limit: i64,
) -> Result<Vec<ThreadRow>> {
    readable_threads(conn, viewer, community_id, None, limit)
}

/// Threads with a tag that the viewer may read, most recently active first.
pub fn tagged_threads(conn: &mut AnyConnection, viewer: Viewer, tag: &str, limit: i64) -> Result<Vec<ThreadRow>> {
    readable_threads(conn, viewer, None, Some(tag), limit)
}

fn readable_threads(
    conn: &mut AnyConnection,
    viewer: Viewer,
    community_id: Option<i64>,
    tag: Option<&str>,
    limit: i64,
) -> Result<Vec<ThreadRow>> {
    let mut query = threads::table
        .inner_join(users::table)
        .inner_join(boards::table.inner_join(communities::table))
        .filter(threads::is_hidden.eq(false))
        .order((threads::last_activity_at.desc(), threads::id.desc()))
        .limit(limit)
        .select(THREAD_ROW)
        .into_boxed();
    if let Some(cid) = community_id {
        query = query.filter(boards::community_id.eq(cid));
    }
    if let Some(tag) = tag {
        query = query.filter(diesel::dsl::exists(
            thread_tags::table
                .filter(thread_tags::thread_id.eq(threads::id))
                .filter(thread_tags::tag.eq(tag.to_owned())),
        ));
    }
    if !viewer.is_admin {
        let mine: Vec<i64> = match viewer.user_id {
            Some(uid) => {
                memberships::table.filter(memberships::user_id.eq(uid)).select(memberships::community_id).load(conn)?
            }
            None => Vec::new(),
        };
        query = query.filter(communities::is_public.eq(true).or(communities::id.eq_any(mine)));
    }
    Ok(query.load(conn)?)
}

#[derive(Debug, Serialize, utoipa::ToSchema, Queryable)]
pub struct UserPostRow {
    pub post_id: i64,
    pub thread_id: i64,
    pub thread_title: String,
    pub body_html: String,
    pub created_at: chrono::NaiveDateTime,
    pub community_slug: String,
    pub community_name: String,
}

/// A user's posts that the viewer may read, newest first (their own hidden
/// posts only to themselves).
pub fn user_posts(conn: &mut AnyConnection, viewer: Viewer, user_id: i64, limit: i64) -> Result<Vec<UserPostRow>> {
    let own = viewer.user_id == Some(user_id);
    let mut query = posts::table
        .inner_join(threads::table.inner_join(boards::table.inner_join(communities::table)))
        .filter(posts::author_id.eq(user_id))
        .filter(posts::is_deleted.eq(false))
        .order(posts::id.desc())
        .limit(limit)
        .select((
            posts::id,
            threads::id,
            threads::title,
            posts::body_html,
            posts::created_at,
            communities::slug,
            communities::name,
        ))
        .into_boxed();
    if !own {
        query = query.filter(posts::hidden_at.is_null()).filter(threads::is_hidden.eq(false));
    }
    if !viewer.is_admin {
        let mine: Vec<i64> = match viewer.user_id {
            Some(uid) => {
                memberships::table.filter(memberships::user_id.eq(uid)).select(memberships::community_id).load(conn)?
            }
            None => Vec::new(),
        };
        query = query.filter(communities::is_public.eq(true).or(communities::id.eq_any(mine)));
    }
    Ok(query.load(conn)?)
}

/// Where a post's permalink leads: the thread page (and subtree root, for a
/// post below the depth cap) that shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PostLocation {
    pub thread_id: i64,
    pub page: usize,
    pub root: Option<i64>,
}

pub fn locate_post(
    conn: &mut AnyConnection,
    viewer: Viewer,
    post_id: i64,
    page_size: usize,
    max_depth: usize,
) -> Result<PostLocation> {
    let post = super::post_by_id(conn, post_id)?;
    readable(conn, viewer, post.thread_id)?;
    let (skeleton, opening) = load_skeleton(conn, post.thread_id)?;
    let whole = tree::layout(&skeleton, opening, max_depth);
    if let Some(index) = whole.iter().position(|p| p.id == post_id) {
        return Ok(PostLocation { thread_id: post.thread_id, page: index / page_size + 1, root: None });
    }
    // Below the depth cap: show it a few levels under an ancestor, for context.
    let parents: std::collections::HashMap<i64, Option<i64>> = skeleton.iter().map(|n| (n.id, n.parent_id)).collect();
    let mut root = post_id;
    for _ in 0..max_depth.min(3) {
        match parents.get(&root).copied().flatten() {
            Some(parent) => root = parent,
            None => break,
        }
    }
    let sub = tree::layout(&skeleton, root, max_depth);
    let index = sub.iter().position(|p| p.id == post_id).unwrap_or(0);
    Ok(PostLocation { thread_id: post.thread_id, page: index / page_size + 1, root: Some(root) })
}

/// What a cached rendering of a thread or board page depends on: the
/// versions of the thread (if any), board and community.
#[derive(Debug, Clone, Copy)]
pub struct CacheStamp {
    pub thread_version: i32,
    pub board_id: i64,
    pub board_version: i32,
    pub community_version: i32,
    pub is_public: bool,
}

impl CacheStamp {
    pub fn key(&self) -> String {
        format!("{}.{}.{}.{}", self.thread_version, self.board_id, self.board_version, self.community_version)
    }
}

/// One indexed lookup; `None` if the thread does not exist.
pub fn thread_stamp(conn: &mut AnyConnection, thread_id: i64) -> Result<Option<CacheStamp>> {
    // Runs on every anonymous page view: on the inner connection, so the
    // prepared statement is cached.
    let query = threads::table
        .inner_join(boards::table.inner_join(communities::table))
        .filter(threads::id.eq(thread_id))
        .select((threads::version, boards::id, boards::version, communities::version, communities::is_public));
    let row: Option<(i32, i64, i32, i32, bool)> = crate::db::on_inner!(conn, |c| query.first(c).optional())?;
    Ok(row.map(|(thread_version, board_id, board_version, community_version, is_public)| CacheStamp {
        thread_version,
        board_id,
        board_version,
        community_version,
        is_public,
    }))
}

pub fn board_stamp(conn: &mut AnyConnection, community_slug: &str, board_slug: &str) -> Result<Option<CacheStamp>> {
    let query = boards::table
        .inner_join(communities::table)
        .filter(communities::slug.eq(community_slug))
        .filter(boards::slug.eq(board_slug))
        .select((boards::id, boards::version, communities::version, communities::is_public));
    let row: Option<(i64, i32, i32, bool)> = crate::db::on_inner!(conn, |c| query.first(c).optional())?;
    Ok(row.map(|(board_id, board_version, community_version, is_public)| CacheStamp {
        thread_version: 0,
        board_id,
        board_version,
        community_version,
        is_public,
    }))
}

/// One post as a page shows it to everyone (for the accepted answer under
/// a question): nothing of a deleted or hidden post.
pub fn post_view(conn: &mut AnyConnection, post_id: i64) -> Result<Option<PostView>> {
    let row: Option<(super::Post, AuthorRef)> = posts::table
        .inner_join(users::table)
        .filter(posts::id.eq(post_id))
        .select((super::Post::as_select(), (users::id, users::username, users::display_name)))
        .first(conn)
        .optional()?;
    Ok(row.map(|(post, author)| PostView {
        id: post.id,
        parent_id: post.parent_id,
        depth: post.depth,
        indent: 0,
        author,
        is_hidden: post.is_hidden(),
        body_html: if post.is_deleted || post.is_hidden() { String::new() } else { post.body_html },
        is_deleted: post.is_deleted,
        edit_count: post.edit_count,
        created_at: post.created_at,
        updated_at: post.updated_at,
        continues: false,
        reply_to: None,
        files: Vec::new(),
    }))
}
