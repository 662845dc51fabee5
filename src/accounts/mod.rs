//! Accounts: registration, password checks and login throttling, email
//! confirmation and password resets (`links`), sessions (`sessions`,
//! `tokens`), and per-user settings.

pub mod directory;
pub mod external;
pub mod links;
pub mod oidc;
pub mod profile;
pub mod sessions;
pub mod tokens;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use diesel::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::db::schema::{trusted_logins, users};
use crate::db::{now, on_inner, unique_violation_as, write_tx, AnyConnection};
use crate::error::{Error, FieldError, Result, Validator};
use crate::throttle::{self, Limit};

/// What anyone who may see a person sees of them: no address, no settings.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub unit: String,
    pub position: String,
    pub is_admin: bool,
    pub created_at: chrono::NaiveDateTime,
}

impl From<&User> for PublicUser {
    fn from(user: &User) -> Self {
        PublicUser {
            id: user.id,
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            unit: user.unit.clone(),
            position: user.position.clone(),
            is_admin: user.is_admin,
            created_at: user.created_at,
        }
    }
}

/// An account as its owner sees it (the API's `/me`): the public face plus
/// the owner's own settings.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    #[serde(skip)]
    pub email: String,
    #[serde(skip)]
    pub password_hash: String,
    pub is_admin: bool,
    #[serde(skip)]
    pub token_version: i32,
    pub locale: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    /// Email me when someone replies to my post.
    pub notify_replies: bool,
    /// Email me when my question is resolved.
    pub notify_resolved: bool,
    /// The last permanent delivery failure, shown to admins.
    #[serde(skip)]
    pub mail_failure: Option<String>,
    /// When the owner proved the address is theirs (or an admin vouched);
    /// until then the account reads but does not post.
    #[serde(skip)]
    pub email_confirmed_at: Option<chrono::NaiveDateTime>,
    /// The secret in this account's private feed URLs (`web::feeds`).
    #[serde(skip)]
    pub feed_token: Option<String>,
    /// Where they work (หน่วยงาน), as they wrote it.
    pub unit: String,
    /// Their position (ตำแหน่ง).
    pub position: String,
    /// Closed at the owner's request: no sign-in, and posts show "former member".
    #[serde(skip)]
    pub closed_at: Option<chrono::NaiveDateTime>,
    /// An admin deactivated the account: no sign-in until reactivated.
    #[serde(skip)]
    pub deactivated_at: Option<chrono::NaiveDateTime>,
    /// Created on the command line as an admin: signs in with a password
    /// even when local passwords are off (`SALA_LOCAL_LOGIN=off`).
    #[serde(skip)]
    pub break_glass: bool,
    /// Tell me when someone @mentions me (in the bell; by email along with
    /// replies, see `notify_replies`).
    pub notify_mentions: bool,
    /// Keep me out of public rankings (recognition pages); my own
    /// certificate and export still show my contributions.
    pub hide_from_rankings: bool,
}

impl User {
    pub fn email_confirmed(&self) -> bool {
        self.email_confirmed_at.is_some()
    }

    /// This account acting on its own behalf.
    pub fn viewer(&self) -> crate::authz::Viewer {
        crate::authz::Viewer::signed_in(self.id, self.is_admin, self.email_confirmed())
    }
}

#[derive(Insertable)]
#[diesel(table_name = users)]
struct NewUser<'a> {
    username: &'a str,
    display_name: &'a str,
    email: &'a str,
    password_hash: &'a str,
    is_admin: bool,
    token_version: i32,
    created_at: chrono::NaiveDateTime,
    feed_token: &'a str,
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct Registration {
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub password: String,
}

pub const MIN_PASSWORD_CHARS: usize = 8;
const MAX_PASSWORD_CHARS: usize = 256;
pub const SUPPORTED_LOCALES: [&str; 2] = ["th", "en"];

fn valid_username(name: &str) -> bool {
    (3..=32).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-' || c == '.')
}

/// One plain address, `local@domain`, and nothing else: no display name,
/// angle brackets, lists, quotes or comments, which a mail library would
/// read as "deliver to someone else" (`x<someone@example.org>`). The local
/// part is RFC 5322's dot-atom; the domain is ASCII labels (IDNs in their
/// `xn--` form) with a letter-only top level.
pub fn valid_email(email: &str) -> bool {
    const ATEXT_SYMBOLS: &str = "!#$%&'*+/=?^_`{|}~-";
    let Some((local, domain)) = email.split_once('@') else { return false };
    let local_ok = local.len() <= 64
        && local.split('.').all(|atom| {
            !atom.is_empty() && atom.chars().all(|c| c.is_ascii_alphanumeric() || ATEXT_SYMBOLS.contains(c))
        });
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels.last().is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
    email.len() <= 254 && local_ok && domain_ok
}

fn check_password(v: &mut Validator, field: &str, password: &str) {
    let len = password.chars().count();
    v.check(
        len >= MIN_PASSWORD_CHARS,
        FieldError::with_limit(field, "error-password-too-short", MIN_PASSWORD_CHARS as i64),
    );
    v.check(len <= MAX_PASSWORD_CHARS, FieldError::with_limit(field, "error-too-long", MAX_PASSWORD_CHARS as i64));
}

pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    // Argon2::default() is argon2id with OWASP's recommended parameters.
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::internal(format!("password hashing failed: {e}")))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Creates an account, its address not yet confirmed. Usernames are
/// lower-case ASCII so they work in URLs; emails are stored lower-cased so
/// uniqueness ignores case. An address is unique among *confirmed* accounts
/// only: a sign-up never tells a stranger whether an address is registered.
pub fn register(conn: &mut AnyConnection, reg: &Registration, is_admin: bool) -> Result<User> {
    let username = reg.username.trim().to_lowercase();
    let email = reg.email.trim().to_lowercase();
    let display_name = reg.display_name.trim();
    let mut v = Validator::default();
    v.check(valid_username(&username), FieldError::new("username", "error-username-format"));
    v.line("display_name", display_name, 80);
    v.check(valid_email(&email), FieldError::new("email", "error-email-format"));
    check_password(&mut v, "password", &reg.password);
    v.finish()?;
    let password_hash = hash_password(&reg.password)?;
    write_tx(conn, |conn| {
        if users::table.filter(users::username.eq(&username)).count().get_result::<i64>(conn)? > 0 {
            return Err(Error::Conflict("username"));
        }
        diesel::insert_into(users::table)
            .values(NewUser {
                username: &username,
                display_name,
                email: &email,
                password_hash: &password_hash,
                is_admin,
                token_version: 0,
                created_at: now(),
                feed_token: &new_feed_token(),
            })
            .returning(users::all_columns)
            .get_result(conn)
            .map_err(unique_violation_as("username"))
    })
}

fn new_feed_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// A new secret for the account's private feeds: the old feed URLs stop
/// working.
pub fn reset_feed_token(conn: &mut AnyConnection, user_id: i64) -> Result<User> {
    Ok(diesel::update(users::table.find(user_id))
        .set(users::feed_token.eq(Some(new_feed_token())))
        .returning(users::all_columns)
        .get_result(conn)?)
}

/// The account a private feed URL's secret belongs to.
pub fn by_feed_token(conn: &mut AnyConnection, token: &str) -> Result<User> {
    Ok(users::table.filter(users::feed_token.eq(token)).select(User::as_select()).first(conn)?)
}

/// Marks the account's address as confirmed without a link (an admin's
/// waiver, the command line, SSO). Refused when another account has
/// confirmed the same address.
pub fn confirm_email_directly(conn: &mut AnyConnection, user_id: i64) -> Result<User> {
    write_tx(conn, |conn| {
        let user = find(conn, user_id)?;
        if user.email_confirmed() {
            return Ok(user);
        }
        let taken = users::table
            .filter(users::email.eq(&user.email))
            .filter(users::email_confirmed_at.is_not_null())
            .filter(users::id.ne(user_id))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if taken {
            return Err(Error::Conflict("email"));
        }
        diesel::update(users::table.find(user_id))
            .set(users::email_confirmed_at.eq(Some(now())))
            .returning(users::all_columns)
            .get_result(conn)
            .map_err(unique_violation_as("email"))
    })
}

/// Accounts looked at for one login name: the username's, and those naming
/// the address (one confirmed, a few unconfirmed at most).
const LOGIN_CANDIDATES: i64 = 8;

/// The account a login names: by username, or by email (the confirmed
/// holder of that address first, then the oldest unconfirmed one).
fn account_for_login(conn: &mut AnyConnection, login: &str) -> Result<Option<User>> {
    let mut candidates: Vec<User> = users::table
        .filter(users::username.eq(login).or(users::email.eq(login)))
        .order(users::id.asc())
        .limit(LOGIN_CANDIDATES)
        .select(User::as_select())
        .load(conn)?;
    candidates.sort_by_key(|u| (u.username != login, !u.email_confirmed(), u.id));
    Ok(candidates.into_iter().next())
}

/// Where a login attempt comes from, as the throttle sees it.
pub struct Client<'a> {
    /// The address (behind a trusted proxy, the one it forwarded for).
    pub ip: &'a str,
}

/// Checks a login. Every attempt is counted before the password is checked
/// (per account, whether it named the username or the email, and per client
/// address), so parallel guesses get no more checks than the limit. A
/// correct login refunds the address's count and clears the account's. An
/// address that is over its limit still lets in accounts that signed in
/// from it before: a flood from a shared address (an office behind NAT)
/// does not lock out the people who work there.
pub fn authenticate(
    conn: &mut AnyConnection,
    config: &Config,
    login: &str,
    password: &str,
    client: &Client,
) -> Result<User> {
    let login = login.trim().to_lowercase();
    Validator::default().plain("login", &login).finish()?;
    let user = account_for_login(conn, &login)?;
    let window = chrono::Duration::minutes(config.login_lockout_minutes);
    let account_key = match &user {
        Some(u) => format!("login-user:{}", u.id),
        None => throttle::key("login-name", &login),
    };
    let address_key = throttle::key("login-ip", client.ip);
    let known_here = match &user {
        Some(u) => trusted_logins::table.find((u.id, client.ip)).count().get_result::<i64>(conn)? > 0,
        None => false,
    };
    let mut keys = vec![(account_key.clone(), Limit { max: config.login_max_failures_per_account, window })];
    if !known_here {
        keys.push((address_key.clone(), Limit { max: config.login_max_failures_per_ip, window }));
    }
    if let Some(retry_after_secs) = throttle::hit_all(conn, &keys)? {
        return Err(Error::TooManyAttempts { retry_after_secs });
    }
    let signed_in = match directory_sign_in(conn, config, &login, password, user.as_ref())? {
        Some(outcome) => outcome,
        None => local_sign_in(config, password, user)?,
    };
    match signed_in {
        Some(user) => {
            // The right password, but an admin suspended the account: say
            // why and until when (only to someone who knows the password).
            if let Some((reason, until)) = site_suspension(conn, user.id)? {
                return Err(Error::Suspended { reason, until });
            }
            if user.deactivated_at.is_some() {
                return Err(Error::Refused("error-account-deactivated"));
            }
            throttle::clear(conn, &account_key)?;
            if !known_here {
                throttle::refund(conn, &address_key)?;
            }
            remember_login(conn, user.id, client.ip)?;
            Ok(user)
        }
        None => Err(Error::BadCredentials),
    }
}

/// The directory's say on a login, when there is a directory: `Some` with
/// the account it signs in (or `None` for a wrong password or a directory
/// account the directory no longer has), or `None` when the password is
/// not the directory's business (a local account). When the directory does
/// not answer, its people wait and local accounts still sign in.
fn directory_sign_in(
    conn: &mut AnyConnection,
    config: &Config,
    login: &str,
    password: &str,
    local: Option<&User>,
) -> Result<Option<Option<User>>> {
    let Some(settings) = &config.ldap else { return Ok(None) };
    let from_directory = match local {
        Some(u) => directory::linked_account(conn, u.id)?,
        None => false,
    };
    match directory::check(settings, &config.group_mappings, login, password) {
        Ok(directory::Answer::SignedIn(person)) => {
            let admin_group_set = settings.admin_group.is_some();
            Ok(Some(Some(directory::provision(conn, &person, admin_group_set, &config.group_mappings)?)))
        }
        Ok(directory::Answer::WrongPassword) => Ok(Some(None)),
        Ok(directory::Answer::Unknown) if from_directory => Ok(Some(None)),
        Ok(directory::Answer::Unknown) => Ok(None),
        Err(e) if from_directory || local.is_none() => Err(e),
        Err(e) => {
            tracing::warn!(error = %e, "the directory does not answer; trying the local password");
            Ok(None)
        }
    }
}

/// The password kept here: the account, if it matches. With local
/// passwords off, only the command line's admins use one (break glass).
fn local_sign_in(config: &Config, password: &str, user: Option<User>) -> Result<Option<User>> {
    if !config.local_login && !user.as_ref().is_some_and(|u| u.break_glass) {
        return Err(Error::Refused("error-local-login-off"));
    }
    Ok(match user {
        Some(u) if verify_password(password, &u.password_hash) => Some(u),
        Some(_) => None,
        None => {
            // Spend the same time as a real check so that timing does not
            // reveal which usernames exist.
            let _ = hash_password(password);
            None
        }
    })
}

/// The reason and end of an admin's suspension of `user_id` holding now,
/// if any (mutes in one community are the communities' business).
pub fn site_suspension(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<Option<(String, Option<chrono::NaiveDateTime>)>> {
    use crate::db::schema::suspensions as s;
    let at = now();
    let holding: Vec<(String, Option<chrono::NaiveDateTime>)> = s::table
        .filter(s::user_id.eq(user_id))
        .filter(s::community_id.is_null())
        .filter(s::lifted_at.is_null())
        .filter(s::ends_at.is_null().or(s::ends_at.gt(at)))
        .select((s::reason, s::ends_at))
        .load(conn)?;
    Ok(holding.into_iter().max_by_key(|(_, until)| until.unwrap_or(chrono::NaiveDateTime::MAX)))
}

/// Records that `user_id` signed in from `client_key`.
fn remember_login(conn: &mut AnyConnection, user_id: i64, client_key: &str) -> Result<()> {
    let at = now();
    on_inner!(conn, |c| diesel::insert_into(trusted_logins::table)
        .values((
            trusted_logins::user_id.eq(user_id),
            trusted_logins::client_key.eq(client_key),
            trusted_logins::last_success_at.eq(at),
        ))
        .on_conflict((trusted_logins::user_id, trusted_logins::client_key))
        .do_update()
        .set(trusted_logins::last_success_at.eq(at))
        .execute(c))?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: i64) -> Result<User> {
    Ok(users::table.find(id).select(User::as_select()).first(conn)?)
}

pub fn find_by_username(conn: &mut AnyConnection, username: &str) -> Result<User> {
    Ok(users::table.filter(users::username.eq(username.trim().to_lowercase())).select(User::as_select()).first(conn)?)
}

/// "Log out everywhere": every session ends, and every token and form token
/// issued before this call stops working.
pub fn revoke_sessions(conn: &mut AnyConnection, user_id: i64) -> Result<User> {
    write_tx(conn, |conn| {
        sessions::end_all(conn, user_id)?;
        Ok(diesel::update(users::table.find(user_id))
            .set(users::token_version.eq(users::token_version + 1))
            .returning(users::all_columns)
            .get_result(conn)?)
    })
}

/// Changes the password and ends every existing session (the caller starts
/// a new one for the browser that asked).
pub fn change_password(conn: &mut AnyConnection, user_id: i64, current: &str, new_password: &str) -> Result<User> {
    let user = find(conn, user_id)?;
    if !verify_password(current, &user.password_hash) {
        return Err(Error::invalid("current_password", "error-wrong-password"));
    }
    set_password(conn, user_id, "new_password", new_password)
}

/// Sets a new password, checked as `field`, and ends every session.
fn set_password(conn: &mut AnyConnection, user_id: i64, field: &str, new_password: &str) -> Result<User> {
    let mut v = Validator::default();
    check_password(&mut v, field, new_password);
    v.finish()?;
    let hash = hash_password(new_password)?;
    write_tx(conn, |conn| {
        sessions::end_all(conn, user_id)?;
        Ok(diesel::update(users::table.find(user_id))
            .set((users::password_hash.eq(&hash), users::token_version.eq(users::token_version + 1)))
            .returning(users::all_columns)
            .get_result(conn)?)
    })
}

pub fn set_locale(conn: &mut AnyConnection, user_id: i64, locale: &str) -> Result<()> {
    if !SUPPORTED_LOCALES.contains(&locale) {
        return Err(Error::invalid("lang", "error-invalid-choice"));
    }
    diesel::update(users::table.find(user_id)).set(users::locale.eq(locale)).execute(conn)?;
    Ok(())
}

pub fn set_admin(conn: &mut AnyConnection, user_id: i64, is_admin: bool) -> Result<()> {
    diesel::update(users::table.find(user_id)).set(users::is_admin.eq(is_admin)).execute(conn)?;
    Ok(())
}

/// An admin turns an account off (its sessions and tokens end at once) or
/// back on. Admins cannot turn themselves off.
pub fn set_active(conn: &mut AnyConnection, viewer: crate::authz::Viewer, user_id: i64, active: bool) -> Result<User> {
    crate::authz::authorize(viewer, crate::authz::Standing::Outsider, crate::authz::Action::SuspendAccounts)?;
    if viewer.user_id == Some(user_id) {
        return Err(Error::Refused("error-deactivate-self"));
    }
    apply_active(conn, user_id, active)
}

/// [`set_active`] without asking who: for the command line, whose user is
/// the operator.
pub fn apply_active(conn: &mut AnyConnection, user_id: i64, active: bool) -> Result<User> {
    write_tx(conn, |conn| {
        sessions::end_all(conn, user_id)?;
        let at = (!active).then(now);
        Ok(diesel::update(users::table.find(user_id))
            .set((users::deactivated_at.eq(at), users::token_version.eq(users::token_version + 1)))
            .returning(users::all_columns)
            .get_result(conn)?)
    })
}

/// Marks an admin created on the command line as able to sign in with a
/// password even when local passwords are off.
pub fn set_break_glass(conn: &mut AnyConnection, user_id: i64) -> Result<()> {
    diesel::update(users::table.find(user_id)).set(users::break_glass.eq(true)).execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::valid_email;

    #[test]
    fn an_email_is_one_plain_address() {
        for good in
            ["somchai@example.go.th", "first.last+km@mail.example.ac.th", "o'neil@example.org", "a@xn--o3cw4h.com"]
        {
            assert!(valid_email(good), "{good}");
        }
        for bad in [
            "x<someone@example.org>",
            "Somchai <somchai@example.org>",
            "a@example.org, b@example.org",
            "a@example.org;b@example.org",
            "\"quoted\"@example.org",
            "someone@example.org (comment)",
            "a..b@example.org",
            ".a@example.org",
            "a@example",
            "a@-example.org",
            "a@example.org.",
            "a@b@example.org",
            "a b@example.org",
            "a@example.123",
            "ก@example.org",
            "a\0@example.org",
        ] {
            assert!(!valid_email(bad), "{bad:?}");
        }
    }
}
