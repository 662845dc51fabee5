//! Signing in against the organisation's directory (OpenLDAP, Active
//! Directory): find the person with a service account and the configured
//! filter, then bind as them with the password they typed. Their name and
//! address come from the directory, refreshed at each sign-in; membership
//! of the admin group makes them a site admin (and leaving it, not).
//!
//! A person the directory no longer finds (removed, or disabled and kept
//! out by the filter) cannot sign in with a password kept here either.

use std::time::Duration;

use ldap3::{ldap_escape, LdapConn, LdapConnSettings, Scope, SearchEntry};

use super::User;
use crate::config::{GroupMapping, LdapSettings};
use crate::db::AnyConnection;
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
    /// The mapped communities their groups bring them into, with the role.
    pub communities: Vec<(String, crate::vocab::Role)>,
}

/// What the directory says of a login and password.
#[derive(Debug)]
pub enum Answer {
    SignedIn(DirectoryPerson),
    WrongPassword,
    /// No one (enabled) by that login.
    Unknown,
}

/// TLS that trusts the organisation's CA (`SALA_LDAP_CA_FILE`) besides
/// the system's; certificates and host names are always checked.
fn tls_connector(settings: &LdapSettings) -> Result<Option<native_tls::TlsConnector>> {
    let Some(path) = &settings.ca_file else { return Ok(None) };
    let unusable = |e: &dyn std::fmt::Display| {
        Error::SignInUnavailable(format!("SALA_LDAP_CA_FILE ({}) is not a usable PEM certificate: {e}", path.display()))
    };
    let pem = std::fs::read(path).map_err(|e| unusable(&e))?;
    let ca = native_tls::Certificate::from_pem(&pem).map_err(|e| unusable(&e))?;
    native_tls::TlsConnector::builder().add_root_certificate(ca).build().map(Some).map_err(|e| unusable(&e))
}

fn connect(settings: &LdapSettings) -> Result<LdapConn> {
    let mut conn_settings = LdapConnSettings::new().set_conn_timeout(TIMEOUT).set_starttls(settings.starttls);
    if let Some(connector) = tls_connector(settings)? {
        conn_settings = conn_settings.set_connector(connector);
    }
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
pub fn check(settings: &LdapSettings, mappings: &[GroupMapping], login: &str, password: &str) -> Result<Answer> {
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
    let communities =
        super::external::mapped_communities(mappings, |group| in_group(&mut ldap, settings, group, &entry.dn))?;
    let _ = ldap.unbind();
    let login_name = first(&entry, &["uid", "sAMAccountName"]).unwrap_or_else(|| login.to_owned());
    Ok(Answer::SignedIn(DirectoryPerson {
        display_name: first(&entry, &["displayName", "cn"]).unwrap_or_else(|| login_name.clone()),
        email: first(&entry, &["mail", "userPrincipalName"]).unwrap_or_default().to_lowercase(),
        login: login_name.to_lowercase(),
        dn: entry.dn,
        is_admin,
        communities,
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

/// Whether the account came from the directory.
pub fn linked_account(conn: &mut AnyConnection, user_id: i64) -> Result<bool> {
    super::external::is_linked(conn, PROVIDER, user_id)
}

/// The account for a person the directory signed in (see
/// [`super::external::provision`]); the admin group decides the admin
/// right when one is set.
pub fn provision(
    conn: &mut AnyConnection,
    person: &DirectoryPerson,
    admin_group_set: bool,
    mappings: &[GroupMapping],
) -> Result<User> {
    let identity = super::external::Identity {
        provider: PROVIDER,
        subject: &person.dn,
        login: &person.login,
        display_name: &person.display_name,
        email: &person.email,
        email_verified: !person.email.is_empty(),
        is_admin: admin_group_set.then_some(person.is_admin),
        communities: &person.communities,
    };
    super::external::provision(conn, &identity, None, mappings)
}
