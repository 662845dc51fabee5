//! Who may do what. Every domain write asks [`authorize`]; pages ask [`can`]
//! to decide which buttons to show. Nothing else in the code decides access.

use crate::error::{Error, Result};

/// The person acting: anonymous, or a user (possibly a site admin).
#[derive(Debug, Clone, Copy, Default)]
pub struct Viewer {
    pub user_id: Option<i64>,
    pub is_admin: bool,
    /// The account's email address is confirmed: it may post.
    pub confirmed: bool,
}

impl Viewer {
    pub fn anonymous() -> Viewer {
        Viewer::default()
    }
    /// A user acting on their own account's standing (tools, tests and the
    /// mail planner, which act for accounts that may post).
    pub fn user(user_id: i64, is_admin: bool) -> Viewer {
        Viewer { user_id: Some(user_id), is_admin, confirmed: true }
    }
    /// The signed-in owner of an account, as a request presents them
    /// (`accounts::User::viewer`).
    pub fn signed_in(user_id: i64, is_admin: bool, confirmed: bool) -> Viewer {
        Viewer { user_id: Some(user_id), is_admin, confirmed }
    }
}

/// A viewer's place in one community of practice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Standing {
    Outsider,
    /// A member whose posting a facilitator paused for a while: reads as a
    /// member, contributes nothing (a muted facilitator moderates nothing).
    Muted,
    Member,
    Facilitator,
}

#[derive(Debug, Clone, Copy)]
pub enum Action {
    CreateCommunity,
    EditCommunity,
    AppointFacilitator,
    ReadCommunity {
        is_public: bool,
    },
    ViewMembers {
        is_public: bool,
    },
    JoinCommunity {
        is_public: bool,
    },
    LeaveCommunity,
    ManageBoards,
    /// Invite people, add members directly, remove members.
    ManageMembers,
    StartThread,
    /// Upload a file to use in a post, reply or knowledge item.
    AttachFile,
    Reply {
        thread_locked: bool,
    },
    EditPost {
        author_id: i64,
    },
    DeletePost {
        author_id: i64,
    },
    ModerateThread,
    /// Accept (or clear) the answer to a question.
    ResolveThread {
        asker_id: i64,
    },
    /// Invite someone to answer an open question.
    InviteToAnswer {
        asker_id: i64,
    },
    /// Mark an experience thread ready to distill.
    MarkReady,
    /// Turn a resolved thread into a knowledge item.
    Distill,
    /// Revise, publish, archive, restore, review items; decide on suggestions;
    /// see drafts.
    CurateKnowledge,
    SuggestEdit,
    GiveFeedback,
    /// Report a post to the facilitators.
    FlagPost {
        author_id: i64,
    },
    /// See a hidden post's words.
    SeeHidden {
        author_id: i64,
    },
    /// Work the review queue: decide on flags, hide and restore, warn and
    /// mute members, read the community's audit log.
    Moderate,
    /// Suspend an account everywhere, and see the site-wide queue and log.
    SuspendAccounts,
    /// See a community's KM insights: its figures, gaps and searches.
    ViewInsights,
    /// Keep a community's words in the search dictionary.
    ManageSearchWords,
}

/// Actions that add words for others to read: they wait until the account's
/// address is confirmed, and a muted member may not take them.
fn contributes(action: Action) -> bool {
    matches!(
        action,
        Action::StartThread | Action::AttachFile | Action::Reply { .. } | Action::SuggestEdit | Action::FlagPost { .. }
    )
}

fn needs_login(action: Action) -> bool {
    !matches!(action, Action::ReadCommunity { is_public: true } | Action::ViewMembers { is_public: true })
}

/// The rules, in one table.
pub fn can(viewer: Viewer, standing: Standing, action: Action) -> bool {
    let Some(user_id) = viewer.user_id else { return !needs_login(action) };
    if contributes(action) && !viewer.confirmed {
        return false;
    }
    let admin = viewer.is_admin;
    let member = standing >= Standing::Muted;
    if contributes(action) && standing == Standing::Muted && !admin {
        return false;
    }
    let facilitator = standing == Standing::Facilitator || admin;
    match action {
        Action::CreateCommunity | Action::EditCommunity | Action::AppointFacilitator => admin,
        Action::ReadCommunity { is_public } | Action::ViewMembers { is_public } => is_public || member || admin,
        // Private communities are joined by invitation of a facilitator.
        Action::JoinCommunity { is_public } => standing == Standing::Outsider && (is_public || admin),
        Action::LeaveCommunity => member,
        Action::ManageBoards | Action::ManageMembers | Action::ModerateThread => facilitator,
        Action::StartThread | Action::AttachFile => member || admin,
        Action::Reply { thread_locked } => (member || admin) && (!thread_locked || facilitator),
        Action::EditPost { author_id } => author_id == user_id || admin,
        Action::DeletePost { author_id } => author_id == user_id || facilitator,
        Action::ResolveThread { asker_id } | Action::InviteToAnswer { asker_id } => asker_id == user_id || facilitator,
        Action::MarkReady | Action::Distill | Action::CurateKnowledge => facilitator,
        Action::SuggestEdit => member || admin,
        Action::GiveFeedback => true,
        Action::FlagPost { author_id } => member && author_id != user_id,
        Action::SeeHidden { author_id } => author_id == user_id || facilitator,
        Action::Moderate | Action::ViewInsights | Action::ManageSearchWords => facilitator,
        Action::SuspendAccounts => admin,
    }
}

/// [`can`], as an error a handler can return: 401 for the anonymous, a
/// specific refusal for a locked thread, 403 otherwise.
pub fn authorize(viewer: Viewer, standing: Standing, action: Action) -> Result<()> {
    if can(viewer, standing, action) {
        return Ok(());
    }
    if viewer.user_id.is_none() {
        return Err(Error::Unauthenticated);
    }
    if contributes(action) && !viewer.confirmed && can(Viewer { confirmed: true, ..viewer }, standing, action) {
        return Err(Error::EmailUnconfirmed);
    }
    if contributes(action) && standing == Standing::Muted {
        return Err(Error::Muted);
    }
    match action {
        Action::Reply { thread_locked: true } if can(viewer, standing, Action::Reply { thread_locked: false }) => {
            Err(Error::ThreadLocked)
        }
        _ => Err(Error::Forbidden),
    }
}

/// Site-wide roles beside admin, held in `site_roles`.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct SiteRoles {
    pub km_officer: bool,
    pub km_reviewer: bool,
}

/// What may be done with the organisation's KM plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanAction {
    /// Any signed-in member of staff reads every plan.
    Read,
    /// Write plans, their scopes, areas, activities and indicators; answer
    /// comments; submit; take reporting rounds.
    Write,
    /// Comment on a submitted plan, return it, approve it.
    Review,
    /// Appoint KM officers and reviewers.
    GrantRoles,
}

pub fn can_plan(viewer: Viewer, roles: SiteRoles, action: PlanAction) -> bool {
    if viewer.user_id.is_none() {
        return false;
    }
    let admin = viewer.is_admin;
    match action {
        PlanAction::Read => true,
        PlanAction::Write => admin || roles.km_officer,
        PlanAction::Review => admin || roles.km_reviewer,
        PlanAction::GrantRoles => admin,
    }
}

/// [`can_plan`], as an error a handler can return.
pub fn authorize_plan(viewer: Viewer, roles: SiteRoles, action: PlanAction) -> Result<()> {
    match (can_plan(viewer, roles, action), viewer.user_id) {
        (true, _) => Ok(()),
        (false, None) => Err(Error::Unauthenticated),
        (false, Some(_)) => Err(Error::Forbidden),
    }
}
