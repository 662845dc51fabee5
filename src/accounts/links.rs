//! Single-use links mailed to an address: confirming it, and resetting a
//! password. Only a hash of each token is stored; a link works once, and
//! not after it expires. The mails go through the outbox in the same
//! transaction that creates the token.
//!
//! Nothing here tells an anonymous caller whether an address is registered:
//! signing up with a taken address creates an unconfirmed account all the
//! same (and tells the address's owner), and "forgot password" answers
//! alike for any address.

use chrono::Duration;
use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::{find, set_password, valid_email, Client, Registration, User};
use crate::config::Config;
use crate::db::schema::{account_tokens as at, users};
use crate::db::{now, write_tx, AnyConnection};
use crate::error::Context as _;
use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::outbox::{self, MailContext, NewMail};
use crate::throttle::{self, Limit};

/// What a link is for (`account_tokens.purpose`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    ConfirmEmail,
    ResetPassword,
    /// Moving an account to a new address: the link goes to the new one.
    ChangeEmail,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::ConfirmEmail => "confirm-email",
            Purpose::ResetPassword => "reset-password",
            Purpose::ChangeEmail => "change-email",
        }
    }

    /// How long a link stays good: a reset within the hour, as the
    /// address's owner is at the keyboard; a confirmation for some days.
    fn lifetime(self) -> Duration {
        match self {
            Purpose::ConfirmEmail | Purpose::ChangeEmail => Duration::days(3),
            Purpose::ResetPassword => Duration::minutes(60),
        }
    }

    fn path(self) -> &'static str {
        match self {
            Purpose::ConfirmEmail => "/confirm-email/",
            Purpose::ResetPassword => "/password/reset/",
            Purpose::ChangeEmail => "/settings/email/",
        }
    }
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Creates a link for `user` to their address; returns the token's row id
/// and the URL.
fn issue(conn: &mut AnyConnection, ctx: &MailContext, user: &User, purpose: Purpose) -> Result<(i64, String)> {
    issue_for(conn, ctx, user, &user.email, purpose)
}

fn issue_for(
    conn: &mut AnyConnection,
    ctx: &MailContext,
    user: &User,
    email: &str,
    purpose: Purpose,
) -> Result<(i64, String)> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let created = now();
    let id: i64 = diesel::insert_into(at::table)
        .values((
            at::token_hash.eq(token_hash(&token)),
            at::user_id.eq(user.id),
            at::purpose.eq(purpose.as_str()),
            at::email.eq(email),
            at::created_at.eq(created),
            at::expires_at.eq(created + purpose.lifetime()),
        ))
        .returning(at::id)
        .get_result(conn)?;
    Ok((id, format!("{}{}{token}", ctx.base_url, purpose.path())))
}

/// Uses a link up: the user and address it was for, or `Refused` when it is
/// unknown, used or expired. Call inside the transaction that acts on it, so
/// a failure after this leaves the link usable.
fn redeem(conn: &mut AnyConnection, token: &str, purpose: Purpose) -> Result<(i64, String)> {
    let at_now = now();
    diesel::update(
        at::table
            .filter(at::token_hash.eq(token_hash(token)))
            .filter(at::purpose.eq(purpose.as_str()))
            .filter(at::used_at.is_null())
            .filter(at::expires_at.gt(at_now)),
    )
    .set(at::used_at.eq(Some(at_now)))
    .returning((at::user_id, at::email))
    .get_result(conn)
    .optional()?
    .ok_or(Error::Refused("error-link-invalid"))
}

/// Whether a link would work now, without using it (the page that asks
/// for a new password shows an error at once for a dead link).
pub fn is_valid(conn: &mut AnyConnection, token: &str, purpose: Purpose) -> Result<bool> {
    Ok(at::table
        .filter(at::token_hash.eq(token_hash(token)))
        .filter(at::purpose.eq(purpose.as_str()))
        .filter(at::used_at.is_null())
        .filter(at::expires_at.gt(now()))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// One of the account emails (`email/account.*`): a subject, lines of text,
/// and a link with a label, all from the translations `account-mail-<kind>-*`.
pub(crate) struct AccountMail<'a> {
    pub kind: &'static str,
    pub dedupe_key: String,
    pub link: Option<&'a str>,
    pub args: Vec<(&'static str, String)>,
    /// Where it goes, when not to `user`'s own address (a new address to
    /// confirm; an invitation to someone with no account yet).
    pub to: Option<&'a str>,
}

/// Queues an account email in `user`'s language (the outbox sends it).
pub(crate) fn enqueue(conn: &mut AnyConnection, ctx: &MailContext, user: &User, mail: AccountMail) -> Result<()> {
    let lang = user.locale.as_deref().and_then(Lang::parse).unwrap_or_default();
    let args: Vec<(&str, fluent_templates::fluent_bundle::FluentValue)> =
        mail.args.iter().map(|(k, v)| (*k, v.clone().into())).collect();
    let subject = lang.t_args(&format!("account-mail-{}-subject", mail.kind), &args);
    let body = lang.t_args(&format!("account-mail-{}-body", mail.kind), &args);
    let mut t = tera::Context::new();
    t.insert("lang", &lang);
    t.insert("user", user);
    t.insert("subject", &subject);
    t.insert("body", &body);
    t.insert("link", &mail.link);
    t.insert("link_label", &lang.t(&format!("account-mail-{}-link", mail.kind)));
    t.insert("footer", &lang.t("account-mail-footer"));
    let render = |name: &str| ctx.templates.render(name, &t).with_context(|| format!("cannot render {name}"));
    let (text, html) = (render("email/account.txt")?, render("email/account.html")?);
    outbox::enqueue(
        conn,
        &NewMail {
            dedupe_key: &mail.dedupe_key,
            kind: "account",
            user_id: user.id,
            to_address: mail.to.unwrap_or(&user.email),
            subject: &subject,
            body_text: &text,
            body_html: &html,
            unsubscribe_url: None,
            community_id: None,
        },
    )?;
    Ok(())
}

/// The confirmed account holding `email`, if any.
fn confirmed_holder(conn: &mut AnyConnection, email: &str) -> Result<Option<User>> {
    Ok(users::table
        .filter(users::email.eq(email))
        .filter(users::email_confirmed_at.is_not_null())
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

/// Mails `user` a link to confirm their address, or, when another account
/// already confirmed it, tells that address's owner someone tried.
fn send_confirmation(conn: &mut AnyConnection, ctx: &MailContext, user: &User) -> Result<()> {
    match confirmed_holder(conn, &user.email)? {
        Some(holder) if holder.id != user.id => {
            let day = now().format("%Y-%m-%d");
            let mail = AccountMail {
                kind: "exists",
                // One such note a day per address, however often it is tried.
                dedupe_key: format!("account-exists:{}:{day}", holder.id),
                link: None,
                args: vec![("username", holder.username.clone()), ("base_url", ctx.base_url.to_owned())],
                to: None,
            };
            enqueue(conn, ctx, &holder, mail)
        }
        _ => {
            let (id, link) = issue(conn, ctx, user, Purpose::ConfirmEmail)?;
            let mail = AccountMail {
                kind: "confirm",
                dedupe_key: format!("account:{id}"),
                link: Some(&link),
                args: vec![("username", user.username.clone())],
                to: None,
            };
            enqueue(conn, ctx, user, mail)
        }
    }
}

fn too_many(retry: Option<i64>) -> Result<()> {
    match retry {
        Some(retry_after_secs) => Err(Error::RateLimited { retry_after_secs }),
        None => Ok(()),
    }
}

/// Signing up from the web: throttled per client address; the account can
/// read at once and post once its address is confirmed (at once, when the
/// deployment does not ask for confirmation).
pub fn sign_up(
    conn: &mut AnyConnection,
    ctx: &MailContext,
    config: &Config,
    reg: &Registration,
    client: &Client,
) -> Result<User> {
    if !config.local_login {
        return Err(Error::Refused("error-signup-off"));
    }
    let limit = Limit { max: config.signups_per_hour_per_ip, window: Duration::hours(1) };
    too_many(throttle::hit(conn, &throttle::key("signup-ip", client.ip), limit)?)?;
    write_tx(conn, |conn| {
        let user = super::register(conn, reg, false)?;
        if !config.email_confirmation {
            return super::confirm_email_directly(conn, user.id).or(Ok(user));
        }
        send_confirmation(conn, ctx, &user)?;
        Ok(user)
    })
}

/// Sends the confirmation link again (throttled per account).
pub fn resend_confirmation(conn: &mut AnyConnection, ctx: &MailContext, user_id: i64) -> Result<()> {
    let limit = Limit { max: 3, window: Duration::hours(1) };
    too_many(throttle::hit(conn, &format!("resend-confirmation:{user_id}"), limit)?)?;
    write_tx(conn, |conn| {
        let user = find(conn, user_id)?;
        if user.email_confirmed() {
            return Ok(());
        }
        send_confirmation(conn, ctx, &user)
    })
}

/// Follows a confirmation link. The address must still be the account's,
/// and not confirmed by another account meanwhile.
pub fn confirm_email(conn: &mut AnyConnection, token: &str) -> Result<User> {
    write_tx(conn, |conn| {
        let (user_id, email) = redeem(conn, token, Purpose::ConfirmEmail)?;
        let user = find(conn, user_id)?;
        if user.email != email {
            return Err(Error::Refused("error-link-invalid"));
        }
        super::confirm_email_directly(conn, user_id)
    })
}

/// "Forgot password": mails a reset link to the account(s) using `email`
/// (its confirmed holder, else any unconfirmed ones). The answer is the same
/// whether or not any exist; it is throttled per address asked about and
/// per client.
pub fn request_password_reset(
    conn: &mut AnyConnection,
    ctx: &MailContext,
    config: &Config,
    email: &str,
    client: &Client,
) -> Result<()> {
    let email = email.trim().to_lowercase();
    let mut v = crate::error::Validator::default();
    v.check(valid_email(&email), crate::error::FieldError::new("email", "error-email-format"));
    v.finish()?;
    let hour = Duration::hours(1);
    too_many(throttle::hit_all(
        conn,
        &[
            (throttle::key("reset-ip", client.ip), Limit { max: config.signups_per_hour_per_ip, window: hour }),
            (throttle::key("reset-email", &email), Limit { max: 3, window: hour }),
        ],
    )?)?;
    write_tx(conn, |conn| {
        let holders: Vec<User> = match confirmed_holder(conn, &email)? {
            Some(holder) => vec![holder],
            None => users::table.filter(users::email.eq(&email)).select(User::as_select()).load(conn)?,
        };
        for user in holders {
            let (id, link) = issue(conn, ctx, &user, Purpose::ResetPassword)?;
            let mail = AccountMail {
                kind: "reset",
                dedupe_key: format!("account:{id}"),
                link: Some(&link),
                args: vec![("username", user.username.clone())],
                to: None,
            };
            enqueue(conn, ctx, &user, mail)?;
        }
        Ok(())
    })
}

/// Follows a reset link: sets the new password and ends every session. The
/// link proves the address is the account's, so it confirms it too (unless
/// another account confirmed it first).
pub fn reset_password(conn: &mut AnyConnection, token: &str, new_password: &str) -> Result<User> {
    write_tx(conn, |conn| {
        let (user_id, email) = redeem(conn, token, Purpose::ResetPassword)?;
        let user = set_password(conn, user_id, "password", new_password)?;
        if user.email == email && !user.email_confirmed() {
            if let Ok(confirmed) = super::confirm_email_directly(conn, user_id) {
                return Ok(confirmed);
            }
        }
        Ok(user)
    })
}

/// Asks to move an account to `new_email` (with the current password): a
/// link goes to the new address, and the account keeps its old one until
/// the link is followed. An address another account confirmed is refused
/// alike, without saying which account.
pub fn request_email_change(
    conn: &mut AnyConnection,
    ctx: &MailContext,
    user_id: i64,
    password: &str,
    new_email: &str,
) -> Result<()> {
    let new_email = new_email.trim().to_lowercase();
    let mut v = crate::error::Validator::default();
    v.check(valid_email(&new_email), crate::error::FieldError::new("email", "error-email-format"));
    v.finish()?;
    let user = find(conn, user_id)?;
    if !super::verify_password(password, &user.password_hash) {
        return Err(Error::invalid("password", "error-wrong-password"));
    }
    if new_email == user.email {
        return Err(Error::invalid("email", "error-email-unchanged"));
    }
    too_many(throttle::hit(conn, &format!("change-email:{user_id}"), Limit { max: 3, window: Duration::hours(1) })?)?;
    write_tx(conn, |conn| {
        if confirmed_holder(conn, &new_email)?.is_some() {
            return Err(Error::invalid("email", "error-email-taken"));
        }
        let (id, link) = issue_for(conn, ctx, &user, &new_email, Purpose::ChangeEmail)?;
        // The mail goes to the new address: that is what it proves.
        let mail = AccountMail {
            kind: "change-email",
            dedupe_key: format!("account:{id}"),
            link: Some(&link),
            args: vec![("username", user.username.clone())],
            to: Some(&new_email),
        };
        enqueue(conn, ctx, &user, mail)
    })
}

/// Follows an address-change link: the account's address becomes the new
/// one, confirmed, unless another account confirmed it meanwhile.
pub fn change_email(conn: &mut AnyConnection, token: &str) -> Result<User> {
    write_tx(conn, |conn| {
        let (user_id, email) = redeem(conn, token, Purpose::ChangeEmail)?;
        if confirmed_holder(conn, &email)?.is_some_and(|holder| holder.id != user_id) {
            return Err(Error::Refused("error-link-invalid"));
        }
        Ok(diesel::update(users::table.find(user_id))
            .set((
                users::email.eq(&email),
                users::email_confirmed_at.eq(Some(now())),
                users::mail_failure.eq(None::<String>),
            ))
            .returning(users::all_columns)
            .get_result(conn)?)
    })
}
