//! Read models for community pages: what the home page and a community page
//! show, each one query or a few.

use diesel::prelude::*;
use serde::Serialize;

use super::{Board, Community};
use crate::authz::Viewer;
use crate::db::schema::{boards, communities, memberships, threads, users};
use crate::db::AnyConnection;
use crate::error::Result;

#[derive(Debug, Serialize)]
pub struct CommunitySummary {
    #[serde(flatten)]
    pub community: Community,
    pub member_count: i64,
    pub thread_count: i64,
}

#[derive(Debug, Serialize)]
pub struct BoardSummary {
    #[serde(flatten)]
    pub board: Board,
    pub thread_count: i64,
}

#[derive(Debug, Serialize, Queryable)]
pub struct MemberRow {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub joined_at: chrono::NaiveDateTime,
}

/// Communities the viewer can see: public ones and those they belong to.
pub fn list_communities(conn: &mut AnyConnection, viewer: Viewer) -> Result<Vec<CommunitySummary>> {
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
    let list = query.load(conn)?;
    list.into_iter()
        .map(|community| {
            let member_count =
                memberships::table.filter(memberships::community_id.eq(community.id)).count().get_result(conn)?;
            let thread_count = threads::table
                .inner_join(boards::table)
                .filter(boards::community_id.eq(community.id))
                .count()
                .get_result(conn)?;
            Ok(CommunitySummary { community, member_count, thread_count })
        })
        .collect()
}

pub fn boards_of(conn: &mut AnyConnection, community_id: i64) -> Result<Vec<BoardSummary>> {
    let list: Vec<Board> = boards::table
        .filter(boards::community_id.eq(community_id))
        .order((boards::position.asc(), boards::name.asc()))
        .select(Board::as_select())
        .load(conn)?;
    list.into_iter()
        .map(|board| {
            let thread_count = threads::table.filter(threads::board_id.eq(board.id)).count().get_result(conn)?;
            Ok(BoardSummary { board, thread_count })
        })
        .collect()
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
    Ok(memberships::table.filter(memberships::community_id.eq(community_id)).count().get_result(conn)?)
}

/// The communities a user belongs to, with their role, for the profile page.
pub fn memberships_of(conn: &mut AnyConnection, user_id: i64) -> Result<Vec<(Community, String)>> {
    Ok(memberships::table
        .inner_join(communities::table)
        .filter(memberships::user_id.eq(user_id))
        .order(communities::name.asc())
        .select((Community::as_select(), memberships::role))
        .load(conn)?)
}
