//! What people keep about themselves: their profile (name, unit, position),
//! a copy of their data, and closing their account. Thailand's PDPA gives
//! people the right to both of the last two.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::{find, sessions, verify_password, User};
use crate::db::schema::{communities, memberships, posts, subscriptions, threads, users};
use crate::db::{now, write_tx, AnyConnection};
use crate::error::{Error, Result, Validator};

const MAX_NAME_CHARS: usize = 80;
const MAX_UNIT_CHARS: usize = 120;

/// The editable part of a profile. Omitted fields (in `PATCH /api/v1/me`)
/// stay as they are; unit and position may be cleared.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ProfileChange {
    pub display_name: Option<String>,
    /// Where they work (หน่วยงาน), kept as data for reports by unit.
    pub unit: Option<String>,
    /// Their position (ตำแหน่ง).
    pub position: Option<String>,
}

pub fn update_profile(conn: &mut AnyConnection, user_id: i64, change: &ProfileChange) -> Result<User> {
    let user = find(conn, user_id)?;
    let display_name = change.display_name.as_deref().unwrap_or(&user.display_name).trim().to_owned();
    let unit = change.unit.as_deref().unwrap_or(&user.unit).trim().to_owned();
    let position = change.position.as_deref().unwrap_or(&user.position).trim().to_owned();
    let mut v = Validator::default();
    v.line("display_name", &display_name, MAX_NAME_CHARS);
    for (field, value) in [("unit", &unit), ("position", &position)] {
        if !value.is_empty() {
            v.line(field, value, MAX_UNIT_CHARS);
        }
    }
    v.finish()?;
    Ok(diesel::update(users::table.find(user_id))
        .set((users::display_name.eq(display_name), users::unit.eq(unit), users::position.eq(position)))
        .returning(users::all_columns)
        .get_result(conn)?)
}

/// Everything Sala holds that a person wrote or chose, as they may take it
/// away (`GET /api/v1/me/export`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DataExport {
    pub exported_at: chrono::NaiveDateTime,
    pub profile: ExportedProfile,
    pub memberships: Vec<ExportedMembership>,
    pub subscriptions: Vec<ExportedSubscription>,
    pub posts: Vec<ExportedPost>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExportedProfile {
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub unit: String,
    pub position: String,
    pub locale: Option<String>,
    pub notify_replies: bool,
    pub notify_resolved: bool,
    pub created_at: chrono::NaiveDateTime,
}

#[derive(Debug, Serialize, utoipa::ToSchema, Queryable)]
pub struct ExportedMembership {
    pub community: String,
    pub role: String,
    pub joined_at: chrono::NaiveDateTime,
}

#[derive(Debug, Serialize, utoipa::ToSchema, Queryable)]
pub struct ExportedSubscription {
    pub community: String,
    pub frequency: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema, Queryable)]
pub struct ExportedPost {
    pub id: i64,
    pub thread_id: i64,
    pub thread_title: String,
    /// Whether it opened the thread (a question or an experience).
    pub opening: bool,
    pub body_md: String,
    pub created_at: chrono::NaiveDateTime,
    pub is_deleted: bool,
}

pub fn export(conn: &mut AnyConnection, user_id: i64) -> Result<DataExport> {
    let user = find(conn, user_id)?;
    let memberships = memberships::table
        .inner_join(communities::table)
        .filter(memberships::user_id.eq(user_id))
        .order(memberships::joined_at.asc())
        .select((communities::slug, memberships::role, memberships::joined_at))
        .load(conn)?;
    let subscriptions = subscriptions::table
        .inner_join(communities::table)
        .filter(subscriptions::user_id.eq(user_id))
        .select((communities::slug, subscriptions::frequency))
        .load(conn)?;
    let posts = posts::table
        .inner_join(threads::table)
        .filter(posts::author_id.eq(user_id))
        .order(posts::id.asc())
        .select((
            posts::id,
            posts::thread_id,
            threads::title,
            posts::parent_id.is_null(),
            posts::body_md,
            posts::created_at,
            posts::is_deleted,
        ))
        .load(conn)?;
    Ok(DataExport {
        exported_at: now(),
        profile: ExportedProfile {
            username: user.username,
            display_name: user.display_name,
            email: user.email,
            unit: user.unit,
            position: user.position,
            locale: user.locale,
            notify_replies: user.notify_replies,
            notify_resolved: user.notify_resolved,
            created_at: user.created_at,
        },
        memberships,
        subscriptions,
        posts,
    })
}

/// Closes an account at its owner's request (with their password). What
/// they wrote stays, attributed to "a former member" (an empty display
/// name, which pages show as such); what identifies them goes: name,
/// username, address, unit, position, password, memberships, subscriptions,
/// sessions. An admin can still remove the posts.
pub fn close_account(conn: &mut AnyConnection, user_id: i64, password: &str) -> Result<()> {
    let user = find(conn, user_id)?;
    if !verify_password(password, &user.password_hash) {
        return Err(Error::invalid("password", "error-wrong-password"));
    }
    if user.is_admin {
        return Err(Error::Refused("error-admin-cannot-close"));
    }
    write_tx(conn, |conn| {
        sessions::end_all(conn, user_id)?;
        diesel::delete(memberships::table.filter(memberships::user_id.eq(user_id))).execute(conn)?;
        diesel::delete(subscriptions::table.filter(subscriptions::user_id.eq(user_id))).execute(conn)?;
        diesel::update(users::table.find(user_id))
            .set((
                users::username.eq(format!("former-{user_id}")),
                users::display_name.eq(""),
                users::email.eq(format!("closed-{user_id}@invalid")),
                users::email_confirmed_at.eq(None::<chrono::NaiveDateTime>),
                // Not a hash of anything: no password matches it.
                users::password_hash.eq("closed"),
                users::unit.eq(""),
                users::position.eq(""),
                users::feed_token.eq(None::<String>),
                users::notify_replies.eq(false),
                users::notify_resolved.eq(false),
                users::token_version.eq(users::token_version + 1),
                users::closed_at.eq(Some(now())),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// Keep (or stop keeping) the person out of public rankings.
pub fn set_hide_from_rankings(conn: &mut AnyConnection, user_id: i64, hide: bool) -> Result<()> {
    diesel::update(users::table.find(user_id)).set(users::hide_from_rankings.eq(hide)).execute(conn)?;
    Ok(())
}
