//! Accounts that come from the organisation's identity system (its
//! directory, or an OpenID Connect provider): linked by the provider's
//! stable key for the person, made just in time at first sign-in, and
//! refreshed from the provider at each.

use diesel::prelude::*;

use super::User;
use crate::config::GroupMapping;
use crate::db::schema::{external_identities, users};
use crate::db::{now, write_tx, AnyConnection};
use crate::error::{Error, Result};
use crate::vocab::Role;

/// Who a provider says someone is.
pub struct Identity<'a> {
    /// `ldap`, or `oidc`.
    pub provider: &'a str,
    /// The provider's stable key: a DN, an OIDC `sub`.
    pub subject: &'a str,
    /// Their login name there, for the username of a new account.
    pub login: &'a str,
    pub display_name: &'a str,
    pub email: &'a str,
    /// Whether the provider vouches for the address.
    pub email_verified: bool,
    /// The admin right, when the provider decides it (a group).
    pub is_admin: Option<bool>,
    /// The mapped communities (`[[group]]`) the person's groups bring them
    /// into, with the role.
    pub communities: &'a [(String, Role)],
}

/// The `[[group]]` mappings that apply to someone in the groups
/// `is_member` says yes to.
pub fn mapped_communities(
    mappings: &[GroupMapping],
    mut is_member: impl FnMut(&str) -> Result<bool>,
) -> Result<Vec<(String, Role)>> {
    let mut communities = Vec::new();
    for mapping in mappings {
        if is_member(&mapping.group)? {
            communities.push((mapping.community.clone(), mapping.role));
        }
    }
    Ok(communities)
}

pub fn is_linked(conn: &mut AnyConnection, provider: &str, user_id: i64) -> Result<bool> {
    Ok(external_identities::table
        .filter(external_identities::user_id.eq(user_id))
        .filter(external_identities::provider.eq(provider))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// How long a new session of `user_id` lasts: shorter for accounts that
/// come from the organisation's sign-in (`SALA_SSO_SESSION_HOURS`).
pub fn session_hours(conn: &mut AnyConnection, config: &crate::config::Config, user_id: i64) -> Result<i64> {
    let external =
        external_identities::table.filter(external_identities::user_id.eq(user_id)).count().get_result::<i64>(conn)?
            > 0;
    Ok(if external { config.sso_session_hours } else { config.session_hours })
}

/// The account for `identity`: the linked one; else, when `link_to` names
/// an existing account (by a verified address the admin allowed linking
/// by), that one, linked now; else a new one. Name, address, admin right
/// and the memberships of mapped communities are refreshed.
pub fn provision(
    conn: &mut AnyConnection,
    identity: &Identity,
    link_to: Option<i64>,
    mappings: &[GroupMapping],
) -> Result<User> {
    let user = write_tx(conn, |conn| {
        let linked: Option<i64> = external_identities::table
            .find((identity.provider, identity.subject))
            .select(external_identities::user_id)
            .first(conn)
            .optional()?;
        let user_id = match linked {
            Some(id) => id,
            None => {
                let id = match link_to {
                    Some(id) => id,
                    None => create_account(conn, identity)?,
                };
                diesel::insert_into(external_identities::table)
                    .values((
                        external_identities::provider.eq(identity.provider),
                        external_identities::subject.eq(identity.subject),
                        external_identities::user_id.eq(id),
                        external_identities::created_at.eq(now()),
                    ))
                    .execute(conn)?;
                id
            }
        };
        // The provider vouches for the address; another account that
        // confirmed it keeps it, and this one stays unconfirmed.
        let taken = users::table
            .filter(users::email.eq(identity.email))
            .filter(users::email_confirmed_at.is_not_null())
            .filter(users::id.ne(user_id))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        let confirmed = (identity.email_verified && !identity.email.is_empty() && !taken).then(now);
        diesel::update(users::table.find(user_id))
            .set((
                users::display_name.eq(identity.display_name),
                users::email.eq(identity.email),
                users::email_confirmed_at.eq(confirmed),
            ))
            .execute(conn)?;
        if let Some(is_admin) = identity.is_admin {
            diesel::update(users::table.find(user_id)).set(users::is_admin.eq(is_admin)).execute(conn)?;
        }
        super::find(conn, user_id)
    })?;
    let mapped: Vec<&str> = mappings.iter().map(|m| m.community.as_str()).collect();
    crate::memberships::apply_group_memberships(conn, user.id, identity.communities, &mapped)?;
    Ok(user)
}

/// A new account: the provider's login as username when it is free and
/// valid here, else with a number after it.
fn create_account(conn: &mut AnyConnection, identity: &Identity) -> Result<i64> {
    let base: String = identity
        .login
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '.'))
        .take(28)
        .collect();
    let base = if base.len() < 3 { format!("user-{base}") } else { base };
    for n in 0..100 {
        let username = if n == 0 { base.clone() } else { format!("{base}-{n}") };
        if users::table.filter(users::username.eq(&username)).count().get_result::<i64>(conn)? > 0 {
            continue;
        }
        let id: i64 = diesel::insert_into(users::table)
            .values((
                users::username.eq(&username),
                users::display_name.eq(identity.display_name),
                users::email.eq(identity.email),
                // Not a hash of anything: the password lives with the provider.
                users::password_hash.eq("external"),
                users::is_admin.eq(false),
                users::token_version.eq(0),
                users::created_at.eq(now()),
                users::feed_token.eq(super::new_feed_token()),
            ))
            .returning(users::id)
            .get_result(conn)?;
        return Ok(id);
    }
    Err(Error::Conflict("username"))
}
