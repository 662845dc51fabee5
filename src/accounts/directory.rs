//! Signing in against the organisation's directory (OpenLDAP, Active
//! Directory): find the person with a service account and the configured
//! filter, then bind as them with the password they typed. Their name and
//! address come from the directory, refreshed at each sign-in; membership
//! of the admin group makes them a site admin (and leaving it, not).
//!
//! A person the directory no longer finds (removed, or disabled and kept
//! out by the filter) cannot sign in with a password kept here either.

use std::time::Duration;

use diesel::prelude::*;
use ldap3::{ldap_escape, LdapConn, LdapConnSettings, Scope, SearchEntry};

use super::User;
use crate::config::LdapSettings;
use crate::db::schema::{external_identities, users};
use crate::db::{now, write_tx, AnyConnection};
use crate::error::{Error, Result};

pub const PROVIDER: &str = "ldap";

/// How long to wait for the directory before giving up (and letting local
/// accounts in).
const TIMEOUT: Duration = Duration::from_secs(5);

/// Who the directory says someone is.
#[derive(Debug, Clone)]
pub struct DirectoryPerson {
    pub dn: String,
    /// Their login name there (`uid`, or AD's `sAMAccountName`).
    pub login: String,
    pub display_name: String,
    pub email: String,
    pub is_admin: bool,
}

/// What the directory says of a login and password.
#[derive(Debug)]
pub enum Answer {
    SignedIn(DirectoryPerson),
    WrongPassword,
    /// No one (enabled) by that login.
    Unknown,
}

fn connect(settings: &LdapSettings) -> Result<LdapConn> {
    let conn_settings = LdapConnSettings::new().set_conn_timeout(TIMEOUT).set_starttls(settings.starttls);
    LdapConn::with_settings(conn_settings, &settings.url)
        .map_err(|e| Error::SignInUnavailable(format!("the directory at {} cannot be reached: {e}", settings.url)))
}

fn service_bind(ldap: &mut LdapConn, settings: &LdapSettings) -> Result<()> {
    ldap.with_timeout(TIMEOUT)
        .simple_bind(&settings.bind_dn, &settings.bind_password)
        .and_then(|r| r.success())
        .map(|_| ())
        .map_err(|e| {
            Error::SignInUnavailable(format!("the directory refuses the service account (SALA_LDAP_BIND_DN): {e}"))
        })
}

/// Whether the directory answers and takes the service account (for
/// `/healthz` and the start-up check).
pub fn probe(settings: &LdapSettings) -> Result<()> {
    let mut ldap = connect(settings)?;
    service_bind(&mut ldap, settings)?;
    let _ = ldap.unbind();
    Ok(())
}

fn first(entry: &SearchEntry, names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| entry.attrs.get(*n).and_then(|v| v.first()).cloned()).filter(|v| !v.is_empty())
}

/// Checks `login` and `password` against the directory.
pub fn check(settings: &LdapSettings, login: &str, password: &str) -> Result<Answer> {
    if password.is_empty() {
        // An empty password is an anonymous bind, which would "succeed".
        return Ok(Answer::WrongPassword);
    }
    let mut ldap = connect(settings)?;
    service_bind(&mut ldap, settings)?;
    let filter = settings.user_filter.replace("{login}", &ldap_escape(login));
    let attrs = vec!["uid", "sAMAccountName", "cn", "displayName", "mail", "userPrincipalName", "userAccountControl"];
    let (entries, _) = ldap
        .with_timeout(TIMEOUT)
        .search(&settings.base_dn, Scope::Subtree, &filter, attrs)
        .and_then(|r| r.success())
        .map_err(|e| Error::SignInUnavailable(format!("the directory search failed (SALA_LDAP_USER_FILTER): {e}")))?;
    let mut found: Vec<SearchEntry> = entries.into_iter().map(SearchEntry::construct).collect();
    if found.len() != 1 {
        // None, or a filter that matches several people: nobody signs in.
        return Ok(Answer::Unknown);
    }
    let entry = found.remove(0);
    // Active Directory keeps disabled accounts, flagged (ACCOUNTDISABLE).
    let disabled =
        first(&entry, &["userAccountControl"]).and_then(|v| v.parse::<u32>().ok()).is_some_and(|f| f & 2 != 0);
    if disabled {
        return Ok(Answer::Unknown);
    }
    let bound = ldap.with_timeout(TIMEOUT).simple_bind(&entry.dn, password).and_then(|r| r.success());
    if bound.is_err() {
        return Ok(Answer::WrongPassword);
    }
    // Back to the service account to read groups, which users may not.
    service_bind(&mut ldap, settings)?;
    let is_admin = match &settings.admin_group {
        Some(group) => in_group(&mut ldap, settings, group, &entry.dn)?,
        None => false,
    };
    let _ = ldap.unbind();
    let login_name = first(&entry, &["uid", "sAMAccountName"]).unwrap_or_else(|| login.to_owned());
    Ok(Answer::SignedIn(DirectoryPerson {
        display_name: first(&entry, &["displayName", "cn"]).unwrap_or_else(|| login_name.clone()),
        email: first(&entry, &["mail", "userPrincipalName"]).unwrap_or_default().to_lowercase(),
        login: login_name.to_lowercase(),
        dn: entry.dn,
        is_admin,
    }))
}

/// Whether `dn` is a member of `group` (a group's DN, or its `cn`), by the
/// group's `member`/`uniqueMember` attribute (which needs no overlay).
fn in_group(ldap: &mut LdapConn, settings: &LdapSettings, group: &str, dn: &str) -> Result<bool> {
    let member = ldap_escape(dn);
    let (base, filter) = if group.contains('=') {
        (group.to_owned(), format!("(|(member={member})(uniqueMember={member}))"))
    } else {
        (settings.base_dn.clone(), format!("(&(cn={})(|(member={member})(uniqueMember={member})))", ldap_escape(group)))
    };
    let scope = if group.contains('=') { Scope::Base } else { Scope::Subtree };
    let (entries, _) =
        ldap.with_timeout(TIMEOUT).search(&base, scope, &filter, vec!["cn"]).and_then(|r| r.success()).map_err(
            |e| Error::SignInUnavailable(format!("the directory group search failed (SALA_LDAP_ADMIN_GROUP): {e}")),
        )?;
    Ok(!entries.is_empty())
}

/// The account linked to a directory entry, if any.
pub fn linked_account(conn: &mut AnyConnection, user_id: i64) -> Result<bool> {
    Ok(external_identities::table
        .filter(external_identities::user_id.eq(user_id))
        .filter(external_identities::provider.eq(PROVIDER))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// The account for a person the directory signed in: found by their entry,
/// else made now (just in time); name, address and admin right refreshed.
pub fn provision(conn: &mut AnyConnection, person: &DirectoryPerson, admin_group_set: bool) -> Result<User> {
    write_tx(conn, |conn| {
        let linked: Option<i64> = external_identities::table
            .find((PROVIDER, &person.dn))
            .select(external_identities::user_id)
            .first(conn)
            .optional()?;
        let user_id = match linked {
            Some(id) => id,
            None => {
                let id = create_account(conn, person)?;
                diesel::insert_into(external_identities::table)
                    .values((
                        external_identities::provider.eq(PROVIDER),
                        external_identities::subject.eq(&person.dn),
                        external_identities::user_id.eq(id),
                        external_identities::created_at.eq(now()),
                    ))
                    .execute(conn)?;
                id
            }
        };
        let at = now();
        // The directory vouches for the address; another account that
        // confirmed it keeps it, and this one stays unconfirmed.
        let taken = users::table
            .filter(users::email.eq(&person.email))
            .filter(users::email_confirmed_at.is_not_null())
            .filter(users::id.ne(user_id))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        let confirmed = (!person.email.is_empty() && !taken).then_some(at);
        diesel::update(users::table.find(user_id))
            .set((
                users::display_name.eq(&person.display_name),
                users::email.eq(&person.email),
                users::email_confirmed_at.eq(confirmed),
            ))
            .execute(conn)?;
        if admin_group_set {
            diesel::update(users::table.find(user_id)).set(users::is_admin.eq(person.is_admin)).execute(conn)?;
        }
        super::find(conn, user_id)
    })
}

/// A new account for a directory person: their login as username when it
/// is free and valid here, else with a number after it.
fn create_account(conn: &mut AnyConnection, person: &DirectoryPerson) -> Result<i64> {
    let base: String = person
        .login
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '.'))
        .take(28)
        .collect();
    let base = if base.len() < 3 { format!("user-{base}") } else { base };
    for n in 0..100 {
        let username = if n == 0 { base.clone() } else { format!("{base}-{n}") };
        let taken = users::table.filter(users::username.eq(&username)).count().get_result::<i64>(conn)? > 0;
        if taken {
            continue;
        }
        let id: i64 = diesel::insert_into(users::table)
            .values((
                users::username.eq(&username),
                users::display_name.eq(&person.display_name),
                users::email.eq(&person.email),
                // Not a hash of anything: the password lives in the directory.
                users::password_hash.eq("directory"),
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
