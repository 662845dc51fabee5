//! In-app notifications (the bell) for replies to your posts and answers to
//! your questions. They are written in the same transaction as the event;
//! the digest pass turns them into emails for people who want them, through
//! the same outbox as digests.
//!
//! Access is decided when a notification is read or mailed, not when it was
//! written: someone who left (or was removed from) a private community sees
//! nothing more of it, even of events from before they left.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};
use diesel::dsl::exists;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{boards, communities, memberships, notifications, posts, threads, user_mutes, users};
use crate::db::{now, AnyConnection};
use crate::error::Result;

pub const REPLY: &str = "reply";
pub const RESOLVED: &str = "resolved";
/// To the author of the reply that was accepted (in the app only).
pub const ANSWER_ACCEPTED: &str = "answer-accepted";
/// To the authors of posts quoted in a newly published knowledge item.
pub const CITED: &str = "cited";
/// To someone a post @mentions (see `mentions`); mailed along with replies.
pub const MENTION: &str = "mention";
/// What someone watches (see `watching`): a new thread where they watch, a
/// new reply in a thread they watch. In the bell and the next digest, never
/// mailed one by one.
pub const WATCHED_THREAD: &str = "watched-thread";
pub const WATCHED_REPLY: &str = "watched-reply";
pub const ABOUT_WATCHES: [&str; 2] = [WATCHED_THREAD, WATCHED_REPLY];
/// To someone invited to answer a question, and their one reminder (see
/// `answer_invitations`): always mailed, being addressed to them by name.
pub const INVITED_TO_ANSWER: &str = "invited-to-answer";
pub const INVITE_REMINDER: &str = "invite-reminder";
/// A knowledge item the recipient owns is due for review.
pub const REVIEW_DUE: &str = "review-due";
/// Moderation's news (in the app only): to a flagger, their flag was upheld
/// or dismissed; to an author, their post was hidden, or a warning.
pub const FLAG_UPHELD: &str = "flag-upheld";
pub const FLAG_DISMISSED: &str = "flag-dismissed";
pub const POST_HIDDEN: &str = "post-hidden";
pub const WARNED: &str = "warned";
const ABOUT_MODERATION: [&str; 4] = [FLAG_UPHELD, FLAG_DISMISSED, POST_HIDDEN, WARNED];

/// What became of a notification's email (`notifications.mail_state`).
pub const MAIL_SENT: &str = "sent";
pub const MAIL_SKIPPED: &str = "skipped";

/// Notifications older than this are never mailed: the digest has them.
const MAIL_WITHIN_DAYS: i64 = 2;

/// Tells `user_id` that `actor_id` did something in a thread; nothing when
/// people act on their own posts, or about someone they muted.
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
    record_about(conn, user_id, kind, thread_id, post_id, actor_id, None)
}

/// A reminder the schedule sends, with nobody behind it but the recipient.
pub fn remind(conn: &mut AnyConnection, user_id: i64, kind: &str, thread_id: i64) -> Result<()> {
    record_about(conn, user_id, kind, thread_id, None, user_id, None)
}

/// [`record`], with the watch that brought it (see `watching`).
fn record_about(
    conn: &mut AnyConnection,
    user_id: i64,
    kind: &str,
    thread_id: i64,
    post_id: Option<i64>,
    actor_id: i64,
    watch: Option<Watch>,
) -> Result<()> {
    if has_muted(conn, user_id, actor_id)? {
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
            notifications::watch_kind.eq(watch.as_ref().map(|w| w.kind)),
            notifications::watch_target.eq(watch.as_ref().map(|w| w.target)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whether `user_id` is to hear of `post_id` in `community` (mentions and
/// watches ask before recording): they may read there, and nothing has
/// told them of this post yet (a reply to them, an earlier mention).
pub fn may_hear_of(
    conn: &mut AnyConnection,
    user_id: i64,
    community: &crate::communities::Community,
    post_id: i64,
) -> Result<bool> {
    let is_admin: bool = users::table.find(user_id).select(users::is_admin).first(conn)?;
    if !crate::communities::may_read(conn, crate::authz::Viewer::user(user_id, is_admin), community)? {
        return Ok(false);
    }
    let heard = diesel::select(exists(
        notifications::table.filter(notifications::user_id.eq(user_id)).filter(notifications::post_id.eq(post_id)),
    ))
    .get_result::<bool>(conn)?;
    Ok(!heard)
}

/// Whether `user_id` muted `other_id`.
pub fn has_muted(conn: &mut AnyConnection, user_id: i64, other_id: i64) -> Result<bool> {
    Ok(diesel::select(exists(user_mutes::table.find((user_id, other_id)))).get_result(conn)?)
}

/// Mutes or unmutes `other_id` for `user_id` (nobody mutes themself).
pub fn set_muted(conn: &mut AnyConnection, user_id: i64, other_id: i64, muted: bool) -> Result<()> {
    if user_id == other_id {
        return Ok(());
    }
    let already = has_muted(conn, user_id, other_id)?;
    if muted && !already {
        diesel::insert_into(user_mutes::table)
            .values((
                user_mutes::user_id.eq(user_id),
                user_mutes::muted_id.eq(other_id),
                user_mutes::created_at.eq(now()),
            ))
            .execute(conn)?;
    } else if !muted && already {
        diesel::delete(user_mutes::table.find((user_id, other_id))).execute(conn)?;
    }
    Ok(())
}

/// A notification from Sala itself, with no one acting (a post hidden after
/// enough flags).
pub fn record_from_sala(
    conn: &mut AnyConnection,
    user_id: i64,
    kind: &str,
    thread_id: i64,
    post_id: Option<i64>,
) -> Result<()> {
    diesel::insert_into(notifications::table)
        .values((
            notifications::user_id.eq(user_id),
            notifications::kind.eq(kind),
            notifications::thread_id.eq(thread_id),
            notifications::post_id.eq(post_id),
            notifications::actor_id.eq(None::<i64>),
            notifications::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Notifications joined to the community they speak of and their recipient,
/// kept to those the recipient may read now: a public community, an admin,
/// or a member.
macro_rules! readable_notifications {
    () => {
        notifications::table
            .inner_join(threads::table.inner_join(boards::table.inner_join(communities::table)))
            .inner_join(users::table.on(users::id.eq(notifications::user_id)))
            .filter(
                communities::is_public.or(users::is_admin).or(exists(
                    memberships::table
                        .filter(memberships::community_id.eq(communities::id))
                        .filter(memberships::user_id.eq(notifications::user_id)),
                )),
            )
            // Nothing about a hidden post or thread, but moderation's own
            // news about it.
            .filter(
                notifications::kind.eq_any(ABOUT_MODERATION).or(diesel::dsl::not(exists(
                    posts::table
                        .filter(posts::id.nullable().eq(notifications::post_id))
                        .filter(posts::hidden_at.is_not_null()),
                ))),
            )
            .filter(notifications::kind.eq_any(ABOUT_MODERATION).or(threads::is_hidden.eq(false)))
    };
}

pub fn unread_count(conn: &mut AnyConnection, user_id: i64) -> Result<i64> {
    // Every signed-in page asks; most of the time nothing is unread, and
    // the index answers that alone. Only then the access rules are joined
    // in (building and preparing that query cost 10 % of a signed-in
    // thread view: bench/NOTES.md).
    let query = diesel::dsl::select(exists(
        notifications::table.filter(notifications::user_id.eq(user_id)).filter(notifications::read_at.is_null()),
    ));
    let any_unread: bool = crate::db::on_inner!(conn, |c| query.get_result(c))?;
    if !any_unread {
        return Ok(0);
    }
    Ok(readable_notifications!()
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)?)
}

#[derive(Debug, Serialize, utoipa::ToSchema, Queryable)]
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

/// Display names of `ids`, in one query.
fn display_names(conn: &mut AnyConnection, ids: impl IntoIterator<Item = i64>) -> Result<HashMap<i64, String>> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    let rows: Vec<(i64, String)> =
        users::table.filter(users::id.eq_any(ids)).select((users::id, users::display_name)).load(conn)?;
    Ok(rows.into_iter().collect())
}

pub fn recent(conn: &mut AnyConnection, user_id: i64, limit: i64) -> Result<Vec<NotificationRow>> {
    type Row = (i64, String, i64, Option<i64>, NaiveDateTime, Option<NaiveDateTime>, String, Option<i64>);
    let rows: Vec<Row> = readable_notifications!()
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
    let names = display_names(conn, rows.iter().filter_map(|r| r.7))?;
    Ok(rows
        .into_iter()
        .map(|(id, kind, thread_id, post_id, created_at, read_at, thread_title, actor_id)| NotificationRow {
            id,
            kind,
            thread_id,
            post_id,
            created_at,
            read_at,
            thread_title,
            actor_name: actor_id.and_then(|a| names.get(&a).cloned()),
        })
        .collect())
}

pub fn mark_all_read(conn: &mut AnyConnection, user_id: i64) -> Result<()> {
    diesel::update(
        notifications::table.filter(notifications::user_id.eq(user_id)).filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(Some(now())))
    .execute(conn)?;
    Ok(())
}

/// What someone chose to hear of.
#[derive(Debug, Clone, Copy)]
pub struct Preferences {
    /// Email on replies to their posts (and on mentions).
    pub replies: bool,
    /// Email when their question gets an accepted answer.
    pub resolved: bool,
    /// @mentions at all (the bell; email follows `replies`).
    pub mentions: bool,
}

pub fn set_preferences(conn: &mut AnyConnection, user_id: i64, chosen: Preferences) -> Result<()> {
    diesel::update(users::table.find(user_id))
        .set((
            users::notify_replies.eq(chosen.replies),
            users::notify_resolved.eq(chosen.resolved),
            users::notify_mentions.eq(chosen.mentions),
        ))
        .execute(conn)?;
    Ok(())
}

/// Emails off (the link in every notification email); the bell stays.
pub fn stop_emails(conn: &mut AnyConnection, user_id: i64) -> Result<()> {
    diesel::update(users::table.find(user_id))
        .set((users::notify_replies.eq(false), users::notify_resolved.eq(false)))
        .execute(conn)?;
    Ok(())
}

/// One event of a [`MailGroup`].
#[derive(Debug, Clone)]
pub struct Event {
    pub id: i64,
    pub kind: String,
    pub post_id: Option<i64>,
    pub actor_name: String,
}

/// Undecided notifications of one recipient about one thread: at most one
/// email covers them all.
#[derive(Debug)]
pub struct MailGroup {
    pub user_id: i64,
    pub thread_id: i64,
    pub community_id: i64,
    /// Oldest first.
    pub events: Vec<Event>,
    /// Events of kinds the recipient does not want by email.
    pub unwanted: Vec<i64>,
}

/// Recent notifications whose email is not decided yet, that their recipient
/// may still read, grouped by recipient and thread.
pub fn undecided_mail(conn: &mut AnyConnection) -> Result<Vec<MailGroup>> {
    type Row = (i64, i64, String, i64, Option<i64>, Option<i64>, i64, bool, bool);
    let since = now() - Duration::days(MAIL_WITHIN_DAYS);
    let rows: Vec<Row> = readable_notifications!()
        .filter(notifications::mail_state.is_null())
        .filter(notifications::created_at.gt(since))
        .order(notifications::id.asc())
        .select((
            notifications::id,
            notifications::user_id,
            notifications::kind,
            notifications::thread_id,
            notifications::post_id,
            notifications::actor_id,
            communities::id,
            users::notify_replies,
            users::notify_resolved,
        ))
        .load(conn)?;
    let names = display_names(conn, rows.iter().filter_map(|r| r.5))?;
    let mut groups: Vec<MailGroup> = Vec::new();
    let mut index: HashMap<(i64, i64), usize> = HashMap::new();
    for (id, user_id, kind, thread_id, post_id, actor_id, community_id, replies, resolved) in rows {
        let slot = *index.entry((user_id, thread_id)).or_insert_with(|| {
            groups.push(MailGroup { user_id, thread_id, community_id, events: Vec::new(), unwanted: Vec::new() });
            groups.len() - 1
        });
        let wanted = ((kind == REPLY || kind == MENTION) && replies)
            || (kind == RESOLVED && resolved)
            || kind == INVITED_TO_ANSWER
            || kind == INVITE_REMINDER
            || kind == REVIEW_DUE;
        if wanted {
            let actor_name = actor_id.and_then(|a| names.get(&a).cloned()).unwrap_or_default();
            groups[slot].events.push(Event { id, kind, post_id, actor_name });
        } else {
            groups[slot].unwanted.push(id);
        }
    }
    Ok(groups)
}

/// Claims undecided notifications for a decision: returns the ids that were
/// still undecided (another planner may have decided some meanwhile).
pub fn decide(conn: &mut AnyConnection, ids: &[i64], state: &str) -> Result<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(diesel::update(
        notifications::table.filter(notifications::id.eq_any(ids)).filter(notifications::mail_state.is_null()),
    )
    .set((notifications::mail_state.eq(Some(state)), notifications::mailed_at.eq(Some(now()))))
    .returning(notifications::id)
    .get_results(conn)?)
}

/// Whether `user_id` was emailed about `thread_id` after `since`: one
/// person's replies never flood another's inbox; the rest waits for the digest.
pub fn mailed_about_since(
    conn: &mut AnyConnection,
    user_id: i64,
    thread_id: i64,
    since: NaiveDateTime,
) -> Result<bool> {
    Ok(diesel::select(exists(
        notifications::table
            .filter(notifications::user_id.eq(user_id))
            .filter(notifications::thread_id.eq(thread_id))
            .filter(notifications::mail_state.eq(MAIL_SENT))
            .filter(notifications::mailed_at.gt(since)),
    ))
    .get_result(conn)?)
}

/// The watch that brought a notification.
pub struct Watch<'a> {
    pub kind: &'a str,
    pub target: &'a str,
}

/// [`record`], for something the recipient watches.
pub fn record_watched(
    conn: &mut AnyConnection,
    user_id: i64,
    kind: &str,
    thread_id: i64,
    post_id: i64,
    actor_id: i64,
    watch: Watch,
) -> Result<()> {
    record_about(conn, user_id, kind, thread_id, Some(post_id), actor_id, Some(watch))
}

/// A watched event as a digest lists it.
#[derive(Debug, Clone)]
pub struct Watched {
    pub kind: String,
    pub thread_id: i64,
    pub post_id: Option<i64>,
    pub thread_title: String,
    pub actor_name: String,
    pub watch_kind: String,
    pub watch_target: String,
}

/// Takes `user_id`'s watched events from before `until` that no digest has
/// listed yet, marking them listed: whichever digest claims them first has
/// them, and no other (the update is the claim, as in [`decide`]). Only
/// those the recipient may still read are returned.
pub fn claim_for_digest(conn: &mut AnyConnection, user_id: i64, until: NaiveDateTime) -> Result<Vec<Watched>> {
    let claimed: Vec<i64> = diesel::update(
        notifications::table
            .filter(notifications::user_id.eq(user_id))
            .filter(notifications::kind.eq_any(ABOUT_WATCHES))
            .filter(notifications::digested_at.is_null())
            .filter(notifications::created_at.lt(until)),
    )
    .set(notifications::digested_at.eq(Some(now())))
    .returning(notifications::id)
    .get_results(conn)?;
    if claimed.is_empty() {
        return Ok(Vec::new());
    }
    type Row = (String, i64, Option<i64>, String, Option<i64>, Option<String>, Option<String>);
    let rows: Vec<Row> = readable_notifications!()
        .filter(notifications::id.eq_any(&claimed))
        .order(notifications::id.asc())
        .select((
            notifications::kind,
            notifications::thread_id,
            notifications::post_id,
            threads::title,
            notifications::actor_id,
            notifications::watch_kind,
            notifications::watch_target,
        ))
        .load(conn)?;
    let names = display_names(conn, rows.iter().filter_map(|r| r.4))?;
    Ok(rows
        .into_iter()
        .map(|(kind, thread_id, post_id, thread_title, actor, watch_kind, watch_target)| Watched {
            kind,
            thread_id,
            post_id,
            thread_title,
            actor_name: actor.and_then(|a| names.get(&a).cloned()).unwrap_or_default(),
            watch_kind: watch_kind.unwrap_or_default(),
            watch_target: watch_target.unwrap_or_default(),
        })
        .collect())
}

/// People with watched events no digest has listed yet and no digest
/// subscription at all: the daily pass sends them one.
pub fn waiting_for_a_digest(conn: &mut AnyConnection) -> Result<Vec<i64>> {
    use crate::db::schema::subscriptions;
    Ok(notifications::table
        .filter(notifications::kind.eq_any(ABOUT_WATCHES))
        .filter(notifications::digested_at.is_null())
        .filter(diesel::dsl::not(exists(
            subscriptions::table.filter(subscriptions::user_id.eq(notifications::user_id)),
        )))
        .select(notifications::user_id)
        .distinct()
        .load(conn)?)
}
