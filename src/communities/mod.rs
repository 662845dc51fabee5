//! Communities of practice, their boards and their members: the write rules.
//! What pages show lives in [`views`].

pub mod invitations;
pub mod views;

pub(crate) use crate::memberships::bump_community;
use crate::memberships::{add_membership, count_members};

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::audit;
use crate::authz::{authorize, Action, Standing, Viewer};
use crate::db::schema::{boards, communities, memberships, suspensions};
use crate::db::{now, unique_violation_as, write_tx, AnyConnection};
use crate::error::{Error, FieldError, Result, Validator};
use crate::markdown;
use crate::vocab::ThreadKind;

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = communities)]
pub struct Community {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description_md: String,
    pub description_html: String,
    pub is_public: bool,
    pub created_at: chrono::NaiveDateTime,
    /// Bumped by every change to what the community's pages show.
    pub version: i32,
    pub thread_count: i32,
    pub member_count: i32,
    /// How many months a published knowledge item stays trusted before its
    /// owner is asked to review it.
    pub review_months: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = boards)]
pub struct Board {
    pub id: i64,
    pub community_id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub position: i32,
    pub created_at: chrono::NaiveDateTime,
    /// Bumped by every change to the board or its thread listing.
    pub version: i32,
    pub thread_count: i32,
    /// The kind a new thread here starts on.
    pub default_kind: ThreadKind,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CommunityInput {
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_true")]
    pub is_public: bool,
    /// Months a published knowledge item stays trusted before its owner is
    /// asked to review it (1–60; 12 when a new community leaves it out,
    /// unchanged when an edit does).
    #[serde(default)]
    pub review_months: Option<i32>,
}

/// A new community's review interval, in months.
pub const DEFAULT_REVIEW_MONTHS: i32 = 12;
const MAX_REVIEW_MONTHS: i32 = 60;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct BoardInput {
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub position: i32,
    /// The kind a new thread here starts on; `question` when absent.
    #[serde(default)]
    pub default_kind: Option<ThreadKind>,
}

fn default_true() -> bool {
    true
}

pub use crate::vocab::Role;

/// A board's description is a line or two under its name.
const MAX_BOARD_DESCRIPTION_CHARS: usize = 2_000;

fn valid_slug(slug: &str) -> bool {
    (2..=48).contains(&slug.len())
        && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
}

fn validate_community(slug: &str, input: &CommunityInput) -> Result<()> {
    let mut v = Validator::default();
    v.check(valid_slug(slug), FieldError::new("slug", "error-slug-format"));
    v.line("name", &input.name, 120);
    v.optional_text("description", &input.description, 20_000);
    v.check(
        input.review_months.is_none_or(|m| (1..=MAX_REVIEW_MONTHS).contains(&m)),
        FieldError::with_limit("review_months", "error-review-months", MAX_REVIEW_MONTHS as i64),
    );
    v.finish()
}

/// The viewer's standing in a community (outsider when not logged in).
/// The viewer's place in a community: their role, or `Muted` while a
/// facilitator's mute lasts (one query either way).
pub fn standing(conn: &mut AnyConnection, viewer: Viewer, community_id: i64) -> Result<Standing> {
    let Some(user_id) = viewer.user_id else { return Ok(Standing::Outsider) };
    let at = now();
    let muted = diesel::dsl::exists(
        suspensions::table
            .filter(suspensions::user_id.eq(user_id))
            .filter(suspensions::community_id.eq(community_id))
            .filter(suspensions::lifted_at.is_null())
            .filter(suspensions::ends_at.is_null().or(suspensions::ends_at.gt(at))),
    );
    // Runs on every signed-in view: on the inner connection, so the prepared
    // statement is cached.
    let query = memberships::table.find((community_id, user_id)).select((memberships::role, muted));
    let row: Option<(Role, bool)> = crate::db::on_inner!(conn, |c| query.first(c).optional())?;
    Ok(match row {
        Some((_, true)) => Standing::Muted,
        Some((Role::Facilitator, false)) => Standing::Facilitator,
        Some(_) => Standing::Member,
        None => Standing::Outsider,
    })
}

/// Whether `user` may read `community` now (for mail, which has no request
/// to ask [`readable`] from).
pub fn may_read(conn: &mut AnyConnection, viewer: Viewer, community: &Community) -> Result<bool> {
    let standing = standing(conn, viewer, community.id)?;
    Ok(crate::authz::can(viewer, standing, Action::ReadCommunity { is_public: community.is_public }))
}

pub fn by_slug(conn: &mut AnyConnection, slug: &str) -> Result<Community> {
    Ok(communities::table.filter(communities::slug.eq(slug)).select(Community::as_select()).first(conn)?)
}

pub fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Community> {
    Ok(communities::table.find(id).select(Community::as_select()).first(conn)?)
}

/// Loads a community the viewer may read, with the viewer's standing in it.
/// A private community is reported as missing to outsiders.
pub fn readable(conn: &mut AnyConnection, viewer: Viewer, slug: &str) -> Result<(Community, Standing)> {
    let community = by_slug(conn, slug)?;
    let standing = standing(conn, viewer, community.id)?;
    may_enter(viewer, standing, &community)?;
    Ok((community, standing))
}

/// What a page about one community or the whole site works on: `Some`
/// community when a slug is given and the viewer may take `action` there,
/// `None` (the site) for admins when none is.
pub fn community_or_site(
    conn: &mut AnyConnection,
    viewer: Viewer,
    slug: Option<&str>,
    action: Action,
) -> Result<Option<Community>> {
    match slug.map(str::trim).filter(|s| !s.is_empty()) {
        Some(slug) => {
            let (community, standing) = readable(conn, viewer, slug)?;
            authorize(viewer, standing, action)?;
            Ok(Some(community))
        }
        None if viewer.is_admin => Ok(None),
        None if viewer.user_id.is_none() => Err(Error::Unauthenticated),
        None => Err(Error::Forbidden),
    }
}

/// Whether a viewer of this standing may read the community at all.
pub fn may_enter(viewer: Viewer, standing: Standing, community: &Community) -> Result<()> {
    authorize(viewer, standing, Action::ReadCommunity { is_public: community.is_public }).map_err(|e| match e {
        // Outsiders, logged in or not, cannot tell a private community from
        // one that does not exist.
        Error::Forbidden | Error::Unauthenticated => Error::NotFound,
        other => other,
    })
}

pub fn create(conn: &mut AnyConnection, viewer: Viewer, input: &CommunityInput) -> Result<Community> {
    authorize(viewer, Standing::Outsider, Action::CreateCommunity)?;
    let slug = input.slug.trim().to_lowercase();
    validate_community(&slug, input)?;
    let description_html = markdown::render(&input.description);
    write_tx(conn, |conn| {
        diesel::insert_into(communities::table)
            .values((
                communities::slug.eq(&slug),
                communities::name.eq(input.name.trim()),
                communities::description_md.eq(&input.description),
                communities::description_html.eq(&description_html),
                communities::is_public.eq(input.is_public),
                communities::review_months.eq(input.review_months.unwrap_or(DEFAULT_REVIEW_MONTHS)),
                communities::created_at.eq(now()),
            ))
            .returning(communities::all_columns)
            .get_result(conn)
            .map_err(unique_violation_as("slug"))
    })
}

pub fn update(
    conn: &mut AnyConnection,
    viewer: Viewer,
    community_id: i64,
    input: &CommunityInput,
) -> Result<Community> {
    let standing = standing(conn, viewer, community_id)?;
    authorize(viewer, standing, Action::EditCommunity)?;
    let slug = input.slug.trim().to_lowercase();
    validate_community(&slug, input)?;
    let description_html = markdown::render(&input.description);
    let before = by_id(conn, community_id)?;
    write_tx(conn, |conn| {
        if before.is_public != input.is_public {
            let target = audit::Target::Community(community_id);
            audit::by(conn, viewer, community_id, audit::AuditAction::CommunityPrivacy, target, None)?;
        }
        diesel::update(communities::table.find(community_id))
            .set((
                communities::slug.eq(&slug),
                communities::name.eq(input.name.trim()),
                communities::description_md.eq(&input.description),
                communities::description_html.eq(&description_html),
                communities::is_public.eq(input.is_public),
                communities::review_months.eq(input.review_months.unwrap_or(before.review_months)),
                communities::version.eq(communities::version + 1),
            ))
            .returning(communities::all_columns)
            .get_result(conn)
            .map_err(unique_violation_as("slug"))
    })
}

pub fn join(conn: &mut AnyConnection, viewer: Viewer, community_id: i64) -> Result<()> {
    let community = by_id(conn, community_id)?;
    write_tx(conn, |conn| {
        let standing = standing(conn, viewer, community_id)?;
        if standing >= Standing::Muted {
            return Ok(()); // joining twice is harmless
        }
        authorize(viewer, standing, Action::JoinCommunity { is_public: community.is_public })?;
        let user_id = viewer.user_id.ok_or(Error::Unauthenticated)?;
        add_membership(conn, community_id, user_id)
    })
}

pub fn leave(conn: &mut AnyConnection, viewer: Viewer, community_id: i64) -> Result<()> {
    let standing = standing(conn, viewer, community_id)?;
    authorize(viewer, standing, Action::LeaveCommunity)?;
    let user_id = viewer.user_id.ok_or(Error::Unauthenticated)?;
    write_tx(conn, |conn| {
        let removed = diesel::delete(memberships::table.find((community_id, user_id))).execute(conn)?;
        count_members(conn, community_id, -(removed as i32))
    })
}

/// Makes `user_id` a facilitator (adding the membership if needed), or back
/// into a plain member.
pub fn set_facilitator(
    conn: &mut AnyConnection,
    viewer: Viewer,
    community_id: i64,
    user_id: i64,
    facilitator: bool,
) -> Result<()> {
    authorize(viewer, Standing::Outsider, Action::AppointFacilitator)?;
    let role = if facilitator { Role::Facilitator } else { Role::Member };
    write_tx(conn, |conn| {
        let action =
            if facilitator { audit::AuditAction::FacilitatorAppoint } else { audit::AuditAction::FacilitatorRemove };
        audit::by(conn, viewer, community_id, action, audit::Target::User(user_id), Some(user_id))?;
        let exists = memberships::table.find((community_id, user_id)).count().get_result::<i64>(conn)? > 0;
        if exists {
            diesel::update(memberships::table.find((community_id, user_id)))
                .set(memberships::role.eq(role))
                .execute(conn)?;
        } else {
            diesel::insert_into(memberships::table)
                .values((
                    memberships::community_id.eq(community_id),
                    memberships::user_id.eq(user_id),
                    memberships::role.eq(role),
                    memberships::joined_at.eq(now()),
                ))
                .execute(conn)?;
            return count_members(conn, community_id, 1);
        }
        bump_community(conn, community_id)
    })
}

fn validate_board(input: &BoardInput) -> Result<String> {
    let slug = input.slug.trim().to_lowercase();
    let mut v = Validator::default();
    v.check(valid_slug(&slug), FieldError::new("slug", "error-slug-format"));
    v.line("name", &input.name, 120);
    v.optional_text("description", &input.description, MAX_BOARD_DESCRIPTION_CHARS);
    v.finish()?;
    Ok(slug)
}

pub fn create_board(conn: &mut AnyConnection, viewer: Viewer, community_id: i64, input: &BoardInput) -> Result<Board> {
    by_id(conn, community_id)?;
    let standing = standing(conn, viewer, community_id)?;
    authorize(viewer, standing, Action::ManageBoards)?;
    let slug = validate_board(input)?;
    bump_community(conn, community_id)?;
    diesel::insert_into(boards::table)
        .values((
            boards::community_id.eq(community_id),
            boards::slug.eq(&slug),
            boards::name.eq(input.name.trim()),
            boards::description.eq(input.description.trim()),
            boards::position.eq(input.position),
            boards::default_kind.eq(input.default_kind.unwrap_or(ThreadKind::Question)),
            boards::created_at.eq(now()),
        ))
        .returning(boards::all_columns)
        .get_result(conn)
        .map_err(unique_violation_as("slug"))
}

pub fn update_board(conn: &mut AnyConnection, viewer: Viewer, board_id: i64, input: &BoardInput) -> Result<Board> {
    let board = board_by_id(conn, board_id)?;
    let standing = standing(conn, viewer, board.community_id)?;
    authorize(viewer, standing, Action::ManageBoards)?;
    let slug = validate_board(input)?;
    diesel::update(boards::table.find(board_id))
        .set((
            boards::slug.eq(&slug),
            boards::name.eq(input.name.trim()),
            boards::description.eq(input.description.trim()),
            boards::position.eq(input.position),
            boards::default_kind.eq(input.default_kind.unwrap_or(board.default_kind)),
            boards::version.eq(boards::version + 1),
        ))
        .returning(boards::all_columns)
        .get_result(conn)
        .map_err(unique_violation_as("slug"))
}

pub fn board_by_id(conn: &mut AnyConnection, board_id: i64) -> Result<Board> {
    Ok(boards::table.find(board_id).select(Board::as_select()).first(conn)?)
}

pub fn board_by_slug(conn: &mut AnyConnection, community_id: i64, slug: &str) -> Result<Board> {
    Ok(boards::table
        .filter(boards::community_id.eq(community_id))
        .filter(boards::slug.eq(slug))
        .select(Board::as_select())
        .first(conn)?)
}
