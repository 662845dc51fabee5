//! The audit log: who did what, when and why, for every moderation and
//! curation action. Written in the same transaction as the action, so the
//! log never says something happened that did not, or misses what did.
//! Facilitators read their community's log; admins read everything.

use diesel::prelude::*;
use serde::Serialize;

use crate::authz::{authorize, Action, Standing, Viewer};
use crate::db::schema::{audit_log as log, communities, users};
use crate::db::{now, AnyConnection};
use crate::error::Result;

/// What was done (`audit_log.action`); each has a translation key
/// `audit-<name>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    ThreadLock,
    ThreadUnlock,
    ThreadPin,
    ThreadUnpin,
    ThreadResolve,
    ThreadUnresolve,
    ThreadReady,
    ThreadNotReady,
    PostDelete,
    PostHide,
    PostAutoHide,
    PostRestore,
    FlagKeep,
    KnowledgeDistill,
    KnowledgePublish,
    KnowledgeArchive,
    KnowledgeRestore,
    FacilitatorAppoint,
    FacilitatorRemove,
    CommunityPrivacy,
    UserWarn,
    UserMute,
    UserSuspend,
    SuspensionLift,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::ThreadLock => "thread-lock",
            AuditAction::ThreadUnlock => "thread-unlock",
            AuditAction::ThreadPin => "thread-pin",
            AuditAction::ThreadUnpin => "thread-unpin",
            AuditAction::ThreadResolve => "thread-resolve",
            AuditAction::ThreadUnresolve => "thread-unresolve",
            AuditAction::ThreadReady => "thread-ready",
            AuditAction::ThreadNotReady => "thread-not-ready",
            AuditAction::PostDelete => "post-delete",
            AuditAction::PostHide => "post-hide",
            AuditAction::PostAutoHide => "post-auto-hide",
            AuditAction::PostRestore => "post-restore",
            AuditAction::FlagKeep => "flag-keep",
            AuditAction::KnowledgeDistill => "knowledge-distill",
            AuditAction::KnowledgePublish => "knowledge-publish",
            AuditAction::KnowledgeArchive => "knowledge-archive",
            AuditAction::KnowledgeRestore => "knowledge-restore",
            AuditAction::FacilitatorAppoint => "facilitator-appoint",
            AuditAction::FacilitatorRemove => "facilitator-remove",
            AuditAction::CommunityPrivacy => "community-privacy",
            AuditAction::UserWarn => "user-warn",
            AuditAction::UserMute => "user-mute",
            AuditAction::UserSuspend => "user-suspend",
            AuditAction::SuspensionLift => "suspension-lift",
        }
    }
}

/// What an action was done to (`audit_log.target_kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Thread(i64),
    Post(i64),
    Knowledge(i64),
    User(i64),
    Community(i64),
    Suspension(i64),
}

impl Target {
    fn parts(self) -> (&'static str, i64) {
        match self {
            Target::Thread(id) => ("thread", id),
            Target::Post(id) => ("post", id),
            Target::Knowledge(id) => ("knowledge", id),
            Target::User(id) => ("user", id),
            Target::Community(id) => ("community", id),
            Target::Suspension(id) => ("suspension", id),
        }
    }
}

/// One line of the log, as written.
pub struct Entry<'a> {
    /// `None` for site-wide actions (an admin's suspension), which only
    /// admins see.
    pub community_id: Option<i64>,
    /// `None` when Sala itself acted (auto-hide after enough flags).
    pub actor_id: Option<i64>,
    pub action: AuditAction,
    pub target: Target,
    /// The person the action was about (a post's author, the suspended).
    pub subject_user_id: Option<i64>,
    pub reason: &'a str,
}

/// A line for an action a viewer took, with no reason given.
pub fn by(
    conn: &mut AnyConnection,
    viewer: Viewer,
    community_id: i64,
    action: AuditAction,
    target: Target,
    subject_user_id: Option<i64>,
) -> Result<()> {
    record(
        conn,
        &Entry {
            community_id: Some(community_id),
            actor_id: viewer.user_id,
            action,
            target,
            subject_user_id,
            reason: "",
        },
    )
}

/// Writes a line. Call inside the transaction of the action itself.
pub fn record(conn: &mut AnyConnection, entry: &Entry) -> Result<()> {
    let (target_kind, target_id) = entry.target.parts();
    diesel::insert_into(log::table)
        .values((
            log::community_id.eq(entry.community_id),
            log::actor_id.eq(entry.actor_id),
            log::action.eq(entry.action.as_str()),
            log::target_kind.eq(target_kind),
            log::target_id.eq(Some(target_id)),
            log::subject_user_id.eq(entry.subject_user_id),
            log::reason.eq(entry.reason.trim()),
            log::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditRow {
    pub id: i64,
    pub created_at: chrono::NaiveDateTime,
    pub action: String,
    pub target_kind: String,
    pub target_id: Option<i64>,
    pub reason: String,
    pub community_slug: Option<String>,
    pub actor: Option<String>,
    pub subject: Option<String>,
}

/// How many lines one page of the log shows.
pub const PAGE_SIZE: i64 = 100;

/// The log of one community (its facilitators and admins), or of everything
/// (`None`: admins only), newest first, `PAGE_SIZE` lines before `before`.
pub fn read(
    conn: &mut AnyConnection,
    viewer: Viewer,
    community: Option<(i64, Standing)>,
    before: Option<i64>,
) -> Result<Vec<AuditRow>> {
    match community {
        Some((_, standing)) => authorize(viewer, standing, Action::Moderate)?,
        None => authorize(viewer, Standing::Outsider, Action::SuspendAccounts)?,
    }
    type Row =
        (i64, chrono::NaiveDateTime, String, String, Option<i64>, String, Option<String>, Option<i64>, Option<i64>);
    let mut query = log::table
        .left_join(communities::table)
        .select((
            log::id,
            log::created_at,
            log::action,
            log::target_kind,
            log::target_id,
            log::reason,
            communities::slug.nullable(),
            log::actor_id,
            log::subject_user_id,
        ))
        .order(log::id.desc())
        .limit(PAGE_SIZE)
        .into_boxed();
    if let Some((community_id, _)) = community {
        query = query.filter(log::community_id.eq(community_id));
    }
    if let Some(before) = before {
        query = query.filter(log::id.lt(before));
    }
    let rows: Vec<Row> = query.load(conn)?;
    let people: Vec<i64> = rows.iter().flat_map(|r| [r.7, r.8]).flatten().collect();
    let names: std::collections::HashMap<i64, String> = users::table
        .filter(users::id.eq_any(people))
        .select((users::id, users::display_name))
        .load(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|(id, created_at, action, target_kind, target_id, reason, community_slug, actor, subject)| AuditRow {
            id,
            created_at,
            action,
            target_kind,
            target_id,
            reason,
            community_slug,
            actor: actor.and_then(|a| names.get(&a).cloned()),
            subject: subject.and_then(|s| names.get(&s).cloned()),
        })
        .collect())
}
