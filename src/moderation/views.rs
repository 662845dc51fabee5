//! The review queue: each post with open flags, in context (its thread, the
//! post it answers), with the flags on it, oldest flagged first.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;

use super::FlagStatus;
use crate::authz::{authorize, Action, Standing, Viewer};
use crate::db::schema::{communities, flags, posts, threads, users};
use crate::db::AnyConnection;
use crate::error::Result;

/// Posts one queue page shows.
const QUEUE_LIMIT: i64 = 100;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FlagView {
    pub id: i64,
    pub reason: super::FlagReason,
    pub note: String,
    pub flagger: String,
    pub created_at: chrono::NaiveDateTime,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueueItem {
    pub post_id: i64,
    pub thread_id: i64,
    pub thread_title: String,
    pub community_slug: String,
    pub community_name: String,
    pub author_id: i64,
    pub author_username: String,
    pub author_name: String,
    pub body_html: String,
    pub is_hidden: bool,
    pub is_opening: bool,
    /// The start of the post this one answers, for context.
    pub parent_excerpt: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    pub flags: Vec<FlagView>,
}

/// A flagged post's row, before its flags are added.
#[derive(Queryable)]
struct QueuedPost {
    post_id: i64,
    thread_id: i64,
    thread_title: String,
    community_slug: String,
    community_name: String,
    author_id: i64,
    author_username: String,
    author_name: String,
    body_html: String,
    hidden_at: Option<chrono::NaiveDateTime>,
    parent_id: Option<i64>,
    created_at: chrono::NaiveDateTime,
}

/// The queue of one community (its facilitators), or of every community
/// (`None`: admins).
pub fn queue(conn: &mut AnyConnection, viewer: Viewer, community: Option<(i64, Standing)>) -> Result<Vec<QueueItem>> {
    match community {
        Some((_, standing)) => authorize(viewer, standing, Action::Moderate)?,
        None => authorize(viewer, Standing::Outsider, Action::SuspendAccounts)?,
    }
    let mut open = flags::table
        .inner_join(users::table.on(users::id.eq(flags::flagger_id)))
        .filter(flags::status.eq(FlagStatus::Open))
        .order(flags::id.asc())
        .select((flags::id, flags::post_id, flags::reason, flags::note, users::display_name, flags::created_at))
        .into_boxed();
    if let Some((community_id, _)) = community {
        open = open.filter(flags::community_id.eq(community_id));
    }
    type FlagRow = (i64, i64, super::FlagReason, String, String, chrono::NaiveDateTime);
    let rows: Vec<FlagRow> = open.load(conn)?;
    let mut by_post: HashMap<i64, Vec<FlagView>> = HashMap::new();
    let mut order: Vec<i64> = Vec::new();
    for (id, post_id, reason, note, flagger, created_at) in rows {
        if !by_post.contains_key(&post_id) {
            order.push(post_id);
        }
        by_post.entry(post_id).or_default().push(FlagView { id, reason, note, flagger, created_at });
    }
    order.truncate(QUEUE_LIMIT as usize);
    let posts_rows: Vec<QueuedPost> = posts::table
        .inner_join(users::table)
        .inner_join(threads::table.inner_join(crate::db::schema::boards::table.inner_join(communities::table)))
        .filter(posts::id.eq_any(&order))
        .select((
            posts::id,
            posts::thread_id,
            threads::title,
            communities::slug,
            communities::name,
            users::id,
            users::username,
            users::display_name,
            posts::body_html,
            posts::hidden_at,
            posts::parent_id,
            posts::created_at,
        ))
        .load(conn)?;
    let parents: Vec<i64> = posts_rows.iter().filter_map(|r| r.parent_id).collect();
    let parent_text: HashMap<i64, String> = posts::table
        .filter(posts::id.eq_any(parents))
        .select((posts::id, posts::body_md))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .map(|(id, md)| (id, crate::markdown::plain_excerpt(&md, 200)))
        .collect();
    let mut items: HashMap<i64, QueueItem> = posts_rows
        .into_iter()
        .map(|p| {
            let item = QueueItem {
                post_id: p.post_id,
                thread_id: p.thread_id,
                thread_title: p.thread_title,
                community_slug: p.community_slug,
                community_name: p.community_name,
                author_id: p.author_id,
                author_username: p.author_username,
                author_name: p.author_name,
                body_html: p.body_html,
                is_hidden: p.hidden_at.is_some(),
                is_opening: p.parent_id.is_none(),
                parent_excerpt: p.parent_id.and_then(|id| parent_text.get(&id).cloned()),
                created_at: p.created_at,
                flags: by_post.remove(&p.post_id).unwrap_or_default(),
            };
            (p.post_id, item)
        })
        .collect();
    Ok(order.into_iter().filter_map(|id| items.remove(&id)).collect())
}

/// How many posts wait in a community's queue (for the facilitators' link).
pub fn open_count(conn: &mut AnyConnection, community_id: i64) -> Result<i64> {
    Ok(flags::table
        .filter(flags::community_id.eq(community_id))
        .filter(flags::status.eq(FlagStatus::Open))
        .select(diesel::dsl::count(flags::post_id).aggregate_distinct())
        .first(conn)?)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SuspensionRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub reason: String,
    pub created_at: chrono::NaiveDateTime,
    pub ends_at: Option<chrono::NaiveDateTime>,
}

/// Mutes in force in a community, or suspensions everywhere (`None`), for
/// the queue page (which checked the viewer may see it).
pub fn in_force(conn: &mut AnyConnection, community_id: Option<i64>) -> Result<Vec<SuspensionRow>> {
    use crate::db::schema::suspensions as s;
    let at = crate::db::now();
    let mut query = s::table
        .inner_join(users::table.on(users::id.eq(s::user_id)))
        .filter(s::lifted_at.is_null())
        .filter(s::ends_at.is_null().or(s::ends_at.gt(at)))
        .order(s::id.desc())
        .select((s::id, users::username, users::display_name, s::reason, s::created_at, s::ends_at))
        .into_boxed();
    query = match community_id {
        Some(id) => query.filter(s::community_id.eq(id)),
        None => query.filter(s::community_id.is_null()),
    };
    type Row = (i64, String, String, String, chrono::NaiveDateTime, Option<chrono::NaiveDateTime>);
    let rows: Vec<Row> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, username, display_name, reason, created_at, ends_at)| SuspensionRow {
            id,
            username,
            display_name,
            reason,
            created_at,
            ends_at,
        })
        .collect())
}
