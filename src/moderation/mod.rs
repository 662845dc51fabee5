//! Moderation: members flag posts; enough distinct flaggers hide a post
//! until a facilitator decides; facilitators keep, hide, restore or delete
//! a post, lock its thread, warn or mute its author; admins suspend
//! accounts everywhere. Every decision is final over the flags before it,
//! and every action is written to the audit log (`crate::audit`) in its own
//! transaction. The review queue is a read model of its own (`views`).
//!
//! A hidden post is shown to nobody but its author and the facilitators:
//! pages and the API show a placeholder, search forgets it, digests and
//! notifications leave it out, and a hidden opening post hides its thread
//! from listings.

pub mod views;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::accounts;
use crate::audit::{self, AuditAction, Entry, Target};
use crate::authz::{authorize, Action, Standing, Viewer};
use crate::db::schema::{flags, posts, suspensions, threads as threads_t};
use crate::db::{now, unique_violation_as, write_tx, AnyConnection};
use crate::error::{Error, FieldError, Result, Validator};
use crate::notifications;
use crate::threads::{self, Post, ThreadContext, ThreadFlag};

pub use crate::vocab::{FlagReason, FlagStatus};

const MAX_NOTE_CHARS: usize = 1_000;
/// The refusal of a second open flag by one member on one post.
pub const FLAGGED_ALREADY: &str = "error-flag-already";
const MAX_REASON_CHARS: usize = 1_000;

/// What a facilitator decides about a flagged (or any) post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// The post stays (and is shown again if flags had hidden it).
    Keep,
    Hide,
    /// Show a hidden post again.
    Restore,
    Delete,
    /// Lock the post's thread: no more replies.
    Lock,
}

impl Decision {
    pub const ALL: [Decision; 5] =
        [Decision::Keep, Decision::Hide, Decision::Restore, Decision::Delete, Decision::Lock];

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Keep => "keep",
            Decision::Hide => "hide",
            Decision::Restore => "restore",
            Decision::Delete => "delete",
            Decision::Lock => "lock",
        }
    }

    pub fn parse(s: &str) -> Option<Decision> {
        Decision::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// Whether the flags on the post were right.
    fn upholds(self) -> bool {
        matches!(self, Decision::Hide | Decision::Delete | Decision::Lock)
    }
}

/// A post and where it lives, with the viewer's standing there.
fn post_in_context(conn: &mut AnyConnection, viewer: Viewer, post_id: i64) -> Result<(Post, ThreadContext)> {
    let post = threads::post_by_id(conn, post_id)?;
    let ctx = threads::readable(conn, viewer, post.thread_id)?;
    Ok((post, ctx))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FlagOutcome {
    pub flag_id: i64,
    /// The flag was the last one needed: the post is hidden pending review.
    pub hidden: bool,
}

/// A member flags a post. One open flag per member and post; when
/// `hide_after` distinct members have open flags on a post no facilitator
/// has decided on, it is hidden pending review and its author is told.
pub fn flag(
    conn: &mut AnyConnection,
    viewer: Viewer,
    post_id: i64,
    reason: &str,
    note: &str,
    hide_after: usize,
) -> Result<FlagOutcome> {
    let (post, ctx) = post_in_context(conn, viewer, post_id)?;
    authorize(viewer, ctx.standing, Action::FlagPost { author_id: post.author_id })?;
    if post.is_deleted {
        return Err(Error::NotFound);
    }
    let flagger = viewer.user_id.ok_or(Error::Unauthenticated)?;
    let reason = FlagReason::parse(reason.trim());
    let mut v = Validator::default();
    v.check(reason.is_some(), FieldError::new("reason", "error-invalid-choice"));
    if reason == Some(FlagReason::Other) {
        v.text("note", note, MAX_NOTE_CHARS);
    } else {
        v.optional_text("note", note, MAX_NOTE_CHARS);
    }
    v.finish()?;
    let reason = reason.unwrap_or(FlagReason::Other);
    write_tx(conn, |conn| {
        let already = flags::table
            .filter(flags::post_id.eq(post_id))
            .filter(flags::flagger_id.eq(flagger))
            .filter(flags::status.eq(FlagStatus::Open))
            .count()
            .get_result::<i64>(conn)?;
        if already > 0 {
            return Err(Error::Refused(FLAGGED_ALREADY));
        }
        let flag_id: i64 = diesel::insert_into(flags::table)
            .values((
                flags::post_id.eq(post_id),
                flags::community_id.eq(ctx.community.id),
                flags::flagger_id.eq(flagger),
                flags::reason.eq(reason),
                flags::note.eq(note.trim()),
                flags::status.eq(FlagStatus::Open),
                flags::created_at.eq(now()),
            ))
            .returning(flags::id)
            .get_result(conn)
            .map_err(|e| match unique_violation_as("flag")(e) {
                Error::Conflict(_) => Error::Refused(FLAGGED_ALREADY),
                other => other,
            })?;
        let flaggers: i64 = flags::table
            .filter(flags::post_id.eq(post_id))
            .filter(flags::status.eq(FlagStatus::Open))
            .select(diesel::dsl::count(flags::flagger_id).aggregate_distinct())
            .first(conn)?;
        let hide = flaggers as usize >= hide_after.max(1) && !post.is_hidden() && post.moderated_at.is_none();
        if hide {
            set_hidden(conn, &post, &ctx, true)?;
            notifications::record_from_sala(
                conn,
                post.author_id,
                notifications::POST_HIDDEN,
                post.thread_id,
                Some(post_id),
            )?;
            audit::record(
                conn,
                &Entry {
                    community_id: Some(ctx.community.id),
                    actor_id: None,
                    action: AuditAction::PostAutoHide,
                    target: Target::Post(post_id),
                    subject_user_id: Some(post.author_id),
                    reason: &format!("{flaggers} flags"),
                },
            )?;
        }
        Ok(FlagOutcome { flag_id, hidden: hide })
    })
}

/// Hides or shows a post: the post, its thread when it is the opening post,
/// the pages' versions, and the search index, together.
fn set_hidden(conn: &mut AnyConnection, post: &Post, ctx: &ThreadContext, hidden: bool) -> Result<()> {
    diesel::update(posts::table.find(post.id)).set(posts::hidden_at.eq(hidden.then(now))).execute(conn)?;
    if post.parent_id.is_none() {
        diesel::update(threads_t::table.find(post.thread_id)).set(threads_t::is_hidden.eq(hidden)).execute(conn)?;
        crate::communities::bump_community(conn, ctx.community.id)?;
        crate::search::index::thread_posts(conn, post.thread_id)?;
    } else {
        crate::search::index::post(conn, post.id)?;
    }
    threads::bump(conn, post.thread_id, Some(ctx.thread.board_id))
}

/// A facilitator's decision on a post: closes every open flag on it (the
/// flaggers are told), and is final: flags before it no longer count.
pub fn decide(conn: &mut AnyConnection, viewer: Viewer, post_id: i64, decision: Decision, reason: &str) -> Result<()> {
    let (post, ctx) = post_in_context(conn, viewer, post_id)?;
    authorize(viewer, ctx.standing, Action::Moderate)?;
    let moderator = viewer.user_id.ok_or(Error::Unauthenticated)?;
    Validator::default().optional_text("reason", reason, MAX_REASON_CHARS).finish()?;
    write_tx(conn, |conn| {
        let action = match decision {
            Decision::Keep | Decision::Restore => {
                if post.is_hidden() {
                    set_hidden(conn, &post, &ctx, false)?;
                }
                if decision == Decision::Keep {
                    AuditAction::FlagKeep
                } else {
                    AuditAction::PostRestore
                }
            }
            Decision::Hide => {
                if !post.is_hidden() {
                    set_hidden(conn, &post, &ctx, true)?;
                    notifications::record(
                        conn,
                        post.author_id,
                        notifications::POST_HIDDEN,
                        post.thread_id,
                        Some(post_id),
                        moderator,
                    )?;
                }
                AuditAction::PostHide
            }
            Decision::Delete => {
                threads::delete_post(conn, viewer, post_id)?;
                AuditAction::PostDelete
            }
            Decision::Lock => {
                threads::set_flag(conn, viewer, post.thread_id, ThreadFlag::Locked, true)?;
                AuditAction::ThreadLock
            }
        };
        diesel::update(posts::table.find(post_id)).set(posts::moderated_at.eq(Some(now()))).execute(conn)?;
        let open: Vec<(i64, i64)> = flags::table
            .filter(flags::post_id.eq(post_id))
            .filter(flags::status.eq(FlagStatus::Open))
            .select((flags::id, flags::flagger_id))
            .load(conn)?;
        let (status, kind) = if decision.upholds() {
            (FlagStatus::Upheld, notifications::FLAG_UPHELD)
        } else {
            (FlagStatus::Dismissed, notifications::FLAG_DISMISSED)
        };
        diesel::update(flags::table.filter(flags::id.eq_any(open.iter().map(|f| f.0))))
            .set((
                flags::status.eq(status),
                flags::decided_by.eq(Some(moderator)),
                flags::decided_at.eq(Some(now())),
                flags::decision.eq(Some(decision.as_str())),
            ))
            .execute(conn)?;
        for (_, flagger) in &open {
            notifications::record(conn, *flagger, kind, post.thread_id, Some(post_id), moderator)?;
        }
        // Deleting and locking write their own lines (threads::delete_post,
        // threads::set_flag); the others are written here.
        if !matches!(decision, Decision::Delete | Decision::Lock) {
            audit::record(
                conn,
                &Entry {
                    community_id: Some(ctx.community.id),
                    actor_id: Some(moderator),
                    action,
                    target: Target::Post(post_id),
                    subject_user_id: Some(post.author_id),
                    reason,
                },
            )?;
        }
        Ok(())
    })
}

/// A facilitator warns a post's author: a notification with the reason,
/// and a line in the log.
pub fn warn(conn: &mut AnyConnection, viewer: Viewer, post_id: i64, reason: &str) -> Result<()> {
    let (post, ctx) = post_in_context(conn, viewer, post_id)?;
    authorize(viewer, ctx.standing, Action::Moderate)?;
    let moderator = viewer.user_id.ok_or(Error::Unauthenticated)?;
    Validator::default().text("reason", reason, MAX_REASON_CHARS).finish()?;
    write_tx(conn, |conn| {
        notifications::record(conn, post.author_id, notifications::WARNED, post.thread_id, Some(post_id), moderator)?;
        audit::record(
            conn,
            &Entry {
                community_id: Some(ctx.community.id),
                actor_id: Some(moderator),
                action: AuditAction::UserWarn,
                target: Target::Post(post_id),
                subject_user_id: Some(post.author_id),
                reason,
            },
        )
    })
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = suspensions)]
pub struct Suspension {
    pub id: i64,
    pub user_id: i64,
    /// `None`: everywhere (an admin's suspension); else a mute in one community.
    pub community_id: Option<i64>,
    pub reason: String,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    /// `None`: until lifted.
    pub ends_at: Option<NaiveDateTime>,
    pub lifted_by: Option<i64>,
    pub lifted_at: Option<NaiveDateTime>,
}

/// Where a suspension holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everywhere: an admin's suspension. The account's sessions end at once
    /// and it cannot sign in until the suspension ends.
    Site,
    /// One community: its facilitators' mute. The member reads but does not post there.
    Community(i64),
}

/// Suspends `user_id` for `days` (or until lifted), saying why.
pub fn suspend(
    conn: &mut AnyConnection,
    viewer: Viewer,
    user_id: i64,
    scope: Scope,
    reason: &str,
    days: Option<u32>,
) -> Result<Suspension> {
    let actor = viewer.user_id.ok_or(Error::Unauthenticated)?;
    let subject = accounts::find(conn, user_id)?;
    match scope {
        Scope::Site => authorize(viewer, Standing::Outsider, Action::SuspendAccounts)?,
        Scope::Community(community_id) => {
            let standing = crate::communities::standing(conn, viewer, community_id)?;
            authorize(viewer, standing, Action::Moderate)?;
            // Facilitators answer to admins, not to each other.
            let theirs = crate::communities::standing(conn, Viewer::user(user_id, subject.is_admin), community_id)?;
            if theirs == Standing::Facilitator && !viewer.is_admin {
                return Err(Error::Forbidden);
            }
        }
    }
    if subject.is_admin || user_id == actor {
        return Err(Error::Refused("error-cannot-suspend"));
    }
    let mut v = Validator::default();
    v.text("reason", reason, MAX_REASON_CHARS);
    v.check(days.is_none_or(|d| (1..=3_650).contains(&d)), FieldError::new("days", "error-invalid-choice"));
    v.finish()?;
    let community_id = match scope {
        Scope::Site => None,
        Scope::Community(id) => Some(id),
    };
    write_tx(conn, |conn| {
        let at = now();
        let suspension: Suspension = diesel::insert_into(suspensions::table)
            .values((
                suspensions::user_id.eq(user_id),
                suspensions::community_id.eq(community_id),
                suspensions::reason.eq(reason.trim()),
                suspensions::created_by.eq(actor),
                suspensions::created_at.eq(at),
                suspensions::ends_at.eq(days.map(|d| at + Duration::days(d.into()))),
            ))
            .returning(suspensions::all_columns)
            .get_result(conn)?;
        if scope == Scope::Site {
            accounts::revoke_sessions(conn, user_id)?;
        }
        audit::record(
            conn,
            &Entry {
                community_id,
                actor_id: Some(actor),
                action: if scope == Scope::Site { AuditAction::UserSuspend } else { AuditAction::UserMute },
                target: Target::Suspension(suspension.id),
                subject_user_id: Some(user_id),
                reason,
            },
        )?;
        if let Some(community_id) = community_id {
            crate::communities::bump_community(conn, community_id)?;
        }
        Ok(suspension)
    })
}

/// Ends a suspension or mute early.
pub fn lift(conn: &mut AnyConnection, viewer: Viewer, suspension_id: i64, reason: &str) -> Result<()> {
    let actor = viewer.user_id.ok_or(Error::Unauthenticated)?;
    let suspension: Suspension = suspensions::table.find(suspension_id).select(Suspension::as_select()).first(conn)?;
    match suspension.community_id {
        None => authorize(viewer, Standing::Outsider, Action::SuspendAccounts)?,
        Some(community_id) => {
            let standing = crate::communities::standing(conn, viewer, community_id)?;
            authorize(viewer, standing, Action::Moderate)?;
        }
    }
    Validator::default().optional_text("reason", reason, MAX_REASON_CHARS).finish()?;
    write_tx(conn, |conn| {
        diesel::update(suspensions::table.find(suspension_id))
            .set((suspensions::lifted_by.eq(Some(actor)), suspensions::lifted_at.eq(Some(now()))))
            .execute(conn)?;
        audit::record(
            conn,
            &Entry {
                community_id: suspension.community_id,
                actor_id: Some(actor),
                action: AuditAction::SuspensionLift,
                target: Target::Suspension(suspension_id),
                subject_user_id: Some(suspension.user_id),
                reason,
            },
        )
    })
}

/// The suspension holding now for `user_id` in `scope`, if any (the one
/// ending last).
pub fn active(conn: &mut AnyConnection, user_id: i64, scope: Scope) -> Result<Option<Suspension>> {
    let at = now();
    let mut query = suspensions::table
        .filter(suspensions::user_id.eq(user_id))
        .filter(suspensions::lifted_at.is_null())
        .filter(suspensions::ends_at.is_null().or(suspensions::ends_at.gt(at)))
        .select(Suspension::as_select())
        .into_boxed();
    query = match scope {
        Scope::Site => query.filter(suspensions::community_id.is_null()),
        Scope::Community(id) => query.filter(suspensions::community_id.eq(id)),
    };
    let all: Vec<Suspension> = query.load(conn)?;
    Ok(all.into_iter().max_by_key(|s| s.ends_at.unwrap_or(NaiveDateTime::MAX)))
}
