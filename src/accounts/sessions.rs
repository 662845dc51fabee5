//! Server-side sessions. A token is only good while its session row exists:
//! logging out deletes the row, so a copied token dies with it, while the
//! user's other devices keep their own sessions.

use chrono::Duration;
use diesel::prelude::*;
use rand::RngCore;

use super::{tokens, User};
use crate::db::schema::{sessions, users};
use crate::db::{now, AnyConnection};
use crate::error::Result;

/// A session as the web layer holds it: who, and which session to end on
/// logout.
#[derive(Debug, Clone)]
pub struct Signed {
    pub user: User,
    pub session_id: String,
}

fn new_session_id() -> String {
    let mut bytes = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Starts a session for `user` lasting as long as their kind of account
/// does (see `external::session_hours`): the token and its hours.
pub fn begin(conn: &mut AnyConnection, config: &crate::config::Config, user: &User) -> Result<(String, i64)> {
    let hours = super::external::session_hours(conn, config, user.id)?;
    Ok((start(conn, &config.secret, user, hours)?, hours))
}

/// Starts a session for `user` lasting `hours`; returns its token.
pub fn start(conn: &mut AnyConnection, secret: &[u8], user: &User, hours: i64) -> Result<String> {
    let id = new_session_id();
    let at = now();
    // Expired sessions are swept when their owner signs in again (and by
    // `prune`), so the table holds live sessions only, near enough.
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user.id)).filter(sessions::expires_at.lt(at)))
        .execute(conn)?;
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(&id),
            sessions::user_id.eq(user.id),
            sessions::created_at.eq(at),
            sessions::expires_at.eq(at + Duration::hours(hours)),
        ))
        .execute(conn)?;
    tokens::issue(secret, user, &id, hours)
}

/// The user behind a token, if its signature, session and token version
/// all still hold. One query: the session joined to its user.
pub fn resolve(conn: &mut AnyConnection, secret: &[u8], token: &str) -> Result<Option<Signed>> {
    let Some(claims) = tokens::verify(secret, token) else { return Ok(None) };
    let at = now();
    // Every signed-in request runs this: on the inner connection, so that
    // the prepared statement is cached (built in each arm: `as_select` is
    // per backend).
    let user: Option<User> = crate::db::on_inner!(conn, |c| sessions::table
        .inner_join(users::table)
        .filter(sessions::id.eq(&claims.session_id))
        .filter(sessions::user_id.eq(claims.user_id))
        .filter(sessions::expires_at.gt(at))
        .select(User::as_select())
        .first(c)
        .optional())?;
    Ok(user.filter(|u| u.token_version == claims.version).map(|user| Signed { user, session_id: claims.session_id }))
}

/// Logs one session out, for good.
pub fn end(conn: &mut AnyConnection, session_id: &str) -> Result<()> {
    diesel::delete(sessions::table.find(session_id)).execute(conn)?;
    Ok(())
}

/// Ends every session of `user_id` (password reset, log out everywhere).
pub fn end_all(conn: &mut AnyConnection, user_id: i64) -> Result<()> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)?;
    Ok(())
}

/// Deletes expired sessions.
pub fn prune(conn: &mut AnyConnection) -> Result<usize> {
    Ok(diesel::delete(sessions::table.filter(sessions::expires_at.lt(now()))).execute(conn)?)
}
