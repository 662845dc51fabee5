//! Read models for community pages: what the home page and a community page
//! show, each one query or a few.

use diesel::prelude::*;
use serde::Serialize;

use super::{Board, Community};
use crate::authz::Viewer;
use crate::db::schema::{boards, communities, memberships, users};
use crate::db::AnyConnection;
use crate::error::Result;

#[derive(Debug, Serialize, utoipa::ToSchema, Queryable)]
pub struct MemberRow {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: super::Role,
    pub joined_at: chrono::NaiveDateTime,
}

/// Changes whenever anything the home page lists changes: every write that
/// shows in a board's listing or on a community page bumps a `version`
/// (versions only grow, and the counts catch deletions), and publishing or
/// revising knowledge moves `updated_at`. Sums over the boards and
/// communities tables rather than one site-wide row that every post would
/// have to lock.
pub fn site_stamp(conn: &mut AnyConnection) -> Result<String> {
    #[derive(QueryableByName)]
    struct Stamp {
        #[diesel(sql_type = diesel::sql_types::Text)]
        stamp: String,
    }
    let query = diesel::sql_query(
        "SELECT CAST((SELECT COALESCE(SUM(version), 0) FROM boards) AS TEXT) || '.' || \
                CAST((SELECT COUNT(*) FROM boards) AS TEXT) || '.' || \
                CAST((SELECT COALESCE(SUM(version), 0) FROM communities) AS TEXT) || '.' || \
                CAST((SELECT COUNT(*) FROM communities) AS TEXT) || '.' || \
                CAST((SELECT COUNT(*) FROM knowledge_items) AS TEXT) || '.' || \
                COALESCE(CAST((SELECT MAX(updated_at) FROM knowledge_items) AS TEXT), '-') AS stamp",
    );
    Ok(crate::db::on_inner!(conn, |c| query.get_result::<Stamp>(c))?.stamp)
}

/// Who sees the same home page as the viewer: everyone for a visitor or a
/// member of public communities only, one key per set of private
/// communities otherwise, and admins (who see every community) apart.
pub fn audience(conn: &mut AnyConnection, viewer: Viewer) -> Result<String> {
    if viewer.is_admin {
        return Ok("admin".to_owned());
    }
    let Some(uid) = viewer.user_id else { return Ok("public".to_owned()) };
    let private: Vec<i64> = memberships::table
        .inner_join(communities::table)
        .filter(memberships::user_id.eq(uid))
        .filter(communities::is_public.eq(false))
        .order(communities::id.asc())
        .select(communities::id)
        .load(conn)?;
    if private.is_empty() {
        return Ok("public".to_owned());
    }
    Ok(private.iter().map(i64::to_string).collect::<Vec<_>>().join(","))
}

/// Communities the viewer can see: public ones and those they belong to.
pub fn list_communities(conn: &mut AnyConnection, viewer: Viewer) -> Result<Vec<Community>> {
    let mine: Vec<i64> = match viewer.user_id {
        Some(uid) => {
            memberships::table.filter(memberships::user_id.eq(uid)).select(memberships::community_id).load(conn)?
        }
        None => Vec::new(),
    };
    let mut query = communities::table.select(Community::as_select()).order(communities::name.asc()).into_boxed();
    if !viewer.is_admin {
        query = query.filter(communities::is_public.eq(true).or(communities::id.eq_any(mine)));
    }
    Ok(query.load(conn)?)
}

pub fn boards_of(conn: &mut AnyConnection, community_id: i64) -> Result<Vec<Board>> {
    Ok(boards::table
        .filter(boards::community_id.eq(community_id))
        .order((boards::position.asc(), boards::name.asc()))
        .select(Board::as_select())
        .load(conn)?)
}

/// The most members a members list shows (a community of practice is a
/// team or a department, not a city).
pub const MEMBERS_LISTED: i64 = 1_000;

/// A community's members list, for a viewer allowed to see it: the
/// community, the viewer's standing, and up to [`MEMBERS_LISTED`] members.
pub fn members_list(
    conn: &mut AnyConnection,
    viewer: crate::authz::Viewer,
    slug: &str,
) -> Result<(Community, crate::authz::Standing, Vec<MemberRow>)> {
    let (community, standing) = super::readable(conn, viewer, slug)?;
    let action = crate::authz::Action::ViewMembers { is_public: community.is_public };
    crate::authz::authorize(viewer, standing, action)?;
    let members = members_of(conn, community.id, MEMBERS_LISTED)?;
    Ok((community, standing, members))
}

/// Facilitators first, then members by join date.
pub fn members_of(conn: &mut AnyConnection, community_id: i64, limit: i64) -> Result<Vec<MemberRow>> {
    Ok(memberships::table
        .inner_join(users::table)
        .filter(memberships::community_id.eq(community_id))
        .order((memberships::role.asc(), memberships::joined_at.asc()))
        .select((users::id, users::username, users::display_name, memberships::role, memberships::joined_at))
        .limit(limit)
        .load(conn)?)
}

pub fn member_count(conn: &mut AnyConnection, community_id: i64) -> Result<i64> {
    Ok(communities::table.find(community_id).select(communities::member_count).first::<i32>(conn)?.into())
}

/// The communities a user belongs to, with their role, for the profile page.
pub fn memberships_of(conn: &mut AnyConnection, user_id: i64) -> Result<Vec<(Community, super::Role)>> {
    Ok(memberships::table
        .inner_join(communities::table)
        .filter(memberships::user_id.eq(user_id))
        .order(communities::name.asc())
        .select((Community::as_select(), memberships::role))
        .load(conn)?)
}

/// A community and the boards in it where someone may start a thread:
/// what the "ask" form offers.
#[derive(Debug, Serialize)]
pub struct PostableCommunity {
    pub slug: String,
    pub name: String,
    pub boards: Vec<Board>,
}

/// Every board the viewer may start a thread in, by community name then
/// board order. Members see their communities; admins see all.
pub fn postable_boards(conn: &mut AnyConnection, viewer: crate::authz::Viewer) -> Result<Vec<PostableCommunity>> {
    let Some(user_id) = viewer.user_id else { return Ok(Vec::new()) };
    let mut query = communities::table.select(Community::as_select()).order(communities::name.asc()).into_boxed();
    if !viewer.is_admin {
        let mine = memberships::table.filter(memberships::user_id.eq(user_id)).select(memberships::community_id);
        query = query.filter(communities::id.eq_any(mine));
    }
    let mut postable = Vec::new();
    for community in query.load(conn)? {
        let standing = super::standing(conn, viewer, community.id)?;
        if !crate::authz::can(viewer, standing, crate::authz::Action::StartThread) {
            continue;
        }
        let boards = boards_of(conn, community.id)?;
        if !boards.is_empty() {
            postable.push(PostableCommunity { slug: community.slug, name: community.name, boards });
        }
    }
    Ok(postable)
}
