//! Accounts: registration, password checks, sessions (JWT + token version),
//! and per-user settings.

pub mod throttle;
pub mod tokens;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use diesel::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::db::schema::users;
use crate::db::{now, unique_violation_as, write_tx, AnyConnection};
use crate::error::{Error, FieldError, Result, Validator};

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
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
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
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
        .map_err(|e| Error::Internal(format!("password hashing failed: {e}")))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Creates an account. Usernames are lower-case ASCII so they work in URLs;
/// emails are stored lower-cased so uniqueness ignores case.
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
        if users::table.filter(users::email.eq(&email)).count().get_result::<i64>(conn)? > 0 {
            return Err(Error::Conflict("email"));
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
            })
            .returning(users::all_columns)
            .get_result(conn)
            .map_err(unique_violation_as("username"))
    })
}

/// Checks a login, counting failures per account and per client address so
/// that guessing is refused for a while after a few tries.
pub fn authenticate(
    conn: &mut AnyConnection,
    config: &Config,
    login: &str,
    password: &str,
    client_ip: &str,
) -> Result<User> {
    let login = login.trim().to_lowercase();
    Validator::default().plain("login", &login).finish()?;
    let keys = [format!("account:{login}"), format!("ip:{client_ip}")];
    throttle::ensure_not_locked(conn, &keys)?;
    let user: Option<User> = users::table
        .filter(users::username.eq(&login).or(users::email.eq(&login)))
        .select(User::as_select())
        .first(conn)
        .optional()?;
    let verified = match &user {
        Some(u) => verify_password(password, &u.password_hash),
        None => {
            // Spend the same time as a real check so that timing does not
            // reveal which usernames exist.
            let _ = hash_password(password);
            false
        }
    };
    match user {
        Some(user) if verified => {
            throttle::clear(conn, &keys[0])?;
            Ok(user)
        }
        _ => {
            throttle::record_failure(
                conn,
                &keys[0],
                config.login_max_failures_per_account,
                config.login_lockout_minutes,
            )?;
            throttle::record_failure(conn, &keys[1], config.login_max_failures_per_ip, config.login_lockout_minutes)?;
            Err(Error::BadCredentials)
        }
    }
}

pub fn find(conn: &mut AnyConnection, id: i64) -> Result<User> {
    Ok(users::table.find(id).select(User::as_select()).first(conn)?)
}

pub fn find_by_username(conn: &mut AnyConnection, username: &str) -> Result<User> {
    Ok(users::table.filter(users::username.eq(username.trim().to_lowercase())).select(User::as_select()).first(conn)?)
}

/// "Log out everywhere": every token issued before this call stops working.
pub fn revoke_sessions(conn: &mut AnyConnection, user_id: i64) -> Result<User> {
    Ok(diesel::update(users::table.find(user_id))
        .set(users::token_version.eq(users::token_version + 1))
        .returning(users::all_columns)
        .get_result(conn)?)
}

/// Changes the password and revokes every existing session.
pub fn change_password(conn: &mut AnyConnection, user_id: i64, current: &str, new_password: &str) -> Result<User> {
    let user = find(conn, user_id)?;
    if !verify_password(current, &user.password_hash) {
        return Err(Error::invalid("current_password", "error-wrong-password"));
    }
    let mut v = Validator::default();
    check_password(&mut v, "new_password", new_password);
    v.finish()?;
    let hash = hash_password(new_password)?;
    Ok(diesel::update(users::table.find(user_id))
        .set((users::password_hash.eq(hash), users::token_version.eq(users::token_version + 1)))
        .returning(users::all_columns)
        .get_result(conn)?)
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
