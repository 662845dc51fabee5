//! Site roles beside admin: KM officers write plans, KM reviewers (the KM
//! committee) review them. Admins appoint both.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::authz::{authorize_plan, PlanAction, SiteRoles, Viewer};
use crate::db::schema::{site_roles, users};
use crate::db::{now, write_tx, AnyConnection};
use crate::error::Result;
use crate::vocab::SiteRole;

/// The roles a viewer holds (none for the anonymous).
pub fn of(conn: &mut AnyConnection, viewer: Viewer) -> Result<SiteRoles> {
    let Some(user_id) = viewer.user_id else { return Ok(SiteRoles::default()) };
    let held: Vec<SiteRole> =
        site_roles::table.filter(site_roles::user_id.eq(user_id)).select(site_roles::role).load(conn)?;
    Ok(SiteRoles { km_officer: held.contains(&SiteRole::KmOfficer), km_reviewer: held.contains(&SiteRole::KmReviewer) })
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Holder {
    pub username: String,
    pub display_name: String,
    pub role: SiteRole,
    pub granted_at: NaiveDateTime,
}

/// Everyone holding a site role, by role then name.
pub fn holders(conn: &mut AnyConnection) -> Result<Vec<Holder>> {
    let rows: Vec<(String, String, SiteRole, NaiveDateTime)> = site_roles::table
        .inner_join(users::table.on(users::id.eq(site_roles::user_id)))
        .order((site_roles::role.asc(), users::username.asc()))
        .select((users::username, users::display_name, site_roles::role, site_roles::granted_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(username, display_name, role, granted_at)| Holder { username, display_name, role, granted_at })
        .collect())
}

/// Gives `username` a role (again is fine).
pub fn grant(conn: &mut AnyConnection, viewer: Viewer, username: &str, role: SiteRole) -> Result<()> {
    authorize_plan(viewer, of(conn, viewer)?, PlanAction::GrantRoles)?;
    let user_id = super::user_id(conn, "username", username)?;
    write_tx(conn, |conn| {
        let held: i64 = site_roles::table
            .filter(site_roles::user_id.eq(user_id))
            .filter(site_roles::role.eq(role))
            .count()
            .get_result(conn)?;
        if held == 0 {
            diesel::insert_into(site_roles::table)
                .values((
                    site_roles::user_id.eq(user_id),
                    site_roles::role.eq(role),
                    site_roles::granted_by.eq(viewer.user_id),
                    site_roles::granted_at.eq(now()),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}

pub fn revoke(conn: &mut AnyConnection, viewer: Viewer, username: &str, role: SiteRole) -> Result<()> {
    authorize_plan(viewer, of(conn, viewer)?, PlanAction::GrantRoles)?;
    let user_id = super::user_id(conn, "username", username)?;
    diesel::delete(site_roles::table.filter(site_roles::user_id.eq(user_id)).filter(site_roles::role.eq(role)))
        .execute(conn)?;
    Ok(())
}
