//! In-app notifications (the bell) for replies to your posts and answers to
//! your questions. They are written in the same transaction as the event;
//! the digest pass turns them into emails for people who want them, through
//! the same outbox as digests.

use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{notifications, threads, users};
use crate::db::{now, AnyConnection};
use crate::error::Result;

pub const REPLY: &str = "reply";
pub const RESOLVED: &str = "resolved";

/// Tells `user_id` that `actor_id` did something in a thread; nothing when
/// people act on their own posts.
pub fn record(
    conn: &mut AnyConnection,
    user_id: i64,
    kind: &str,
    thread_id: i64,
    post_id: Option<i64>,
    actor_id: i64,
) -> Result<()> {
    if user_id == actor_id {
        return Ok(());
    }
    diesel::insert_into(notifications::table)
        .values((
            notifications::user_id.eq(user_id),
            notifications::kind.eq(kind),
            notifications::thread_id.eq(thread_id),
            notifications::post_id.eq(post_id),
            notifications::actor_id.eq(Some(actor_id)),
            notifications::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn unread_count(conn: &mut AnyConnection, user_id: i64) -> Result<i64> {
    Ok(notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)?)
}

#[derive(Debug, Serialize, Queryable)]
pub struct NotificationRow {
    pub id: i64,
    pub kind: String,
    pub thread_id: i64,
    pub post_id: Option<i64>,
    pub created_at: chrono::NaiveDateTime,
    pub read_at: Option<chrono::NaiveDateTime>,
    pub thread_title: String,
    pub actor_name: Option<String>,
}

#[derive(Queryable)]
struct RecentRow {
    id: i64,
    kind: String,
    thread_id: i64,
    post_id: Option<i64>,
    created_at: chrono::NaiveDateTime,
    read_at: Option<chrono::NaiveDateTime>,
    thread_title: String,
    actor_id: Option<i64>,
}

pub fn recent(conn: &mut AnyConnection, user_id: i64, limit: i64) -> Result<Vec<NotificationRow>> {
    let rows: Vec<RecentRow> = notifications::table
        .inner_join(threads::table)
        .filter(notifications::user_id.eq(user_id))
        .order(notifications::id.desc())
        .limit(limit)
        .select((
            notifications::id,
            notifications::kind,
            notifications::thread_id,
            notifications::post_id,
            notifications::created_at,
            notifications::read_at,
            threads::title,
            notifications::actor_id,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|r| {
            let actor_name = match r.actor_id {
                Some(a) => users::table.find(a).select(users::display_name).first(conn).optional()?,
                None => None,
            };
            Ok(NotificationRow {
                id: r.id,
                kind: r.kind,
                thread_id: r.thread_id,
                post_id: r.post_id,
                created_at: r.created_at,
                read_at: r.read_at,
                thread_title: r.thread_title,
                actor_name,
            })
        })
        .collect()
}

pub fn mark_all_read(conn: &mut AnyConnection, user_id: i64) -> Result<()> {
    diesel::update(
        notifications::table.filter(notifications::user_id.eq(user_id)).filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(Some(now())))
    .execute(conn)?;
    Ok(())
}

pub fn set_email_preferences(conn: &mut AnyConnection, user_id: i64, replies: bool, resolved: bool) -> Result<()> {
    diesel::update(users::table.find(user_id))
        .set((users::notify_replies.eq(replies), users::notify_resolved.eq(resolved)))
        .execute(conn)?;
    Ok(())
}

/// A notification waiting to become an email.
#[derive(Debug, Queryable)]
pub struct Pending {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    pub thread_id: i64,
    pub post_id: Option<i64>,
    pub actor_id: Option<i64>,
    wants_replies: bool,
    wants_resolved: bool,
}

/// Notifications from the last two days, for users who want that kind by
/// email (the outbox key tells which were emailed already).
pub fn to_email(conn: &mut AnyConnection) -> Result<Vec<Pending>> {
    let since = now() - chrono::Duration::days(2);
    let rows: Vec<Pending> = notifications::table
        .inner_join(users::table.on(users::id.eq(notifications::user_id)))
        .filter(notifications::created_at.gt(since))
        .order(notifications::id.asc())
        .select((
            notifications::id,
            notifications::user_id,
            notifications::kind,
            notifications::thread_id,
            notifications::post_id,
            notifications::actor_id,
            users::notify_replies,
            users::notify_resolved,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|p| (p.kind == REPLY && p.wants_replies) || (p.kind == RESOLVED && p.wants_resolved))
        .collect())
}
