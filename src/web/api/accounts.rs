//! `/api/v1/auth/*`: register, log in (→ token), log out (this session or
//! everywhere), confirm the email address, reset a forgotten password; me and
//! my notifications; an admin's confirmation waiver.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts::{self, links, sessions, PublicUser, Registration, User};
use crate::error::Error;
use crate::notifications::NotificationRow;
use crate::threads::views::UserPostRow;
use crate::web::errors::{AppError, Problem, WebResult};
use crate::web::session::{client_address, ApiUser, MaybeApiUser};
use crate::web::AppState;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.post("/auth/register", register)
        .post("/auth/login", login)
        .post("/auth/logout", logout)
        .post("/auth/logout-everywhere", logout_everywhere)
        .post("/auth/confirm-email", confirm_email)
        .post("/auth/confirm-email/resend", resend_confirmation)
        .post("/auth/password/forgot", forgot_password)
        .post("/auth/password/reset", reset_password)
        .post("/admin/users/{username}/confirm-email", admin_confirm_email)
        .get("/me", me)
        .patch("/me", update_me)
        .get("/me/export", export_me)
        .post("/me/email", change_email)
        .put("/me/notification-settings", notification_settings)
        .put("/me/locale", set_locale)
        .post("/me/password", change_password)
        .get("/users/{username}", profile)
        .get("/notifications", notifications)
        .post("/notifications/read", mark_notifications_read);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    register,
    login,
    logout,
    logout_everywhere,
    confirm_email,
    resend_confirmation,
    forgot_password,
    reset_password,
    admin_confirm_email,
    me,
    update_me,
    export_me,
    change_email,
    notification_settings,
    set_locale,
    change_password,
    profile,
    notifications,
    mark_notifications_read,
))]
pub struct Doc;

/// An account as its owner sees it.
#[derive(Serialize, ToSchema)]
struct Account {
    user: User,
    /// Whether the owner proved their address is theirs; until then the
    /// account reads but does not post.
    email_confirmed: bool,
}

impl Account {
    fn of(user: User) -> Account {
        Account { email_confirmed: user.email_confirmed(), user }
    }
}

/// A new session: the account and the bearer token that acts as it.
#[derive(Serialize, ToSchema)]
struct Session {
    user: User,
    email_confirmed: bool,
    /// Send as `Authorization: Bearer <token>`.
    token: String,
    /// Seconds until the token expires.
    expires_in: i64,
}

/// Starts a session for `user` and hands out its token.
async fn start_session(state: &web::Data<AppState>, user: User) -> WebResult<Session> {
    let st = state.clone();
    let signed_in = user.clone();
    let (token, hours) = state.db.run(move |conn| sessions::begin(conn, &st.config, &signed_in)).await?;
    Ok(Session { email_confirmed: user.email_confirmed(), user, token, expires_in: hours * 3600 })
}

/// Signs up.
///
/// The answer is the same whether or not the address is already registered;
/// the account reads at once and posts once its address is confirmed through
/// the link mailed to it.
#[utoipa::path(post, path = "/auth/register", tag = "accounts", request_body = Registration,
    responses((status = 201, description = "Signed up and signed in", body = Session)))]
async fn register(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<Registration>,
) -> WebResult<HttpResponse> {
    let reg = body.into_inner();
    let ip = client_address(&req, &state.config);
    let st = state.clone();
    let user = state
        .db
        .run(move |conn| links::sign_up(conn, &st.mail_context(), &st.config, &reg, &accounts::Client { ip: &ip }))
        .await?;
    Ok(HttpResponse::Created().json(start_session(&state, user).await?))
}

#[derive(Deserialize, ToSchema)]
struct LoginBody {
    /// Username or email.
    login: String,
    password: String,
}

/// Logs in with a username or email and a password.
///
/// Repeated failures from one address or for one account are refused for a
/// while (429).
#[utoipa::path(post, path = "/auth/login", tag = "accounts", request_body = LoginBody,
    responses((status = 200, description = "Signed in", body = Session),
        (status = 401, description = "Wrong login or password", content_type = "application/problem+json",
            body = Problem)))]
async fn login(state: web::Data<AppState>, req: HttpRequest, body: web::Json<LoginBody>) -> WebResult<HttpResponse> {
    let ip = client_address(&req, &state.config);
    let LoginBody { login, password } = body.into_inner();
    let st = state.clone();
    let user = state
        .db
        .run(move |conn| accounts::authenticate(conn, &st.config, &login, &password, &accounts::Client { ip: &ip }))
        .await?;
    Ok(HttpResponse::Ok().json(start_session(&state, user).await?))
}

/// Ends the session of the token sent, for good; other sessions go on.
#[utoipa::path(post, path = "/auth/logout", tag = "accounts", security(("bearer" = [])),
    responses((status = 204, description = "Signed out")))]
async fn logout(state: web::Data<AppState>, caller: ApiUser) -> WebResult<HttpResponse> {
    let session_id = caller.0.session_id;
    state.db.run(move |conn| sessions::end(conn, &session_id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Ends every session of the caller's account, this one included.
#[utoipa::path(post, path = "/auth/logout-everywhere", tag = "accounts", security(("bearer" = [])),
    responses((status = 204, description = "Every session ended")))]
async fn logout_everywhere(state: web::Data<AppState>, caller: ApiUser) -> WebResult<HttpResponse> {
    let id = caller.user().id;
    state.db.run(move |conn| accounts::revoke_sessions(conn, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
struct TokenBody {
    /// The token from the link that was mailed.
    token: String,
}

/// Confirms an email address with the token from the mailed link.
#[utoipa::path(post, path = "/auth/confirm-email", tag = "accounts", request_body = TokenBody,
    responses((status = 200, description = "The address is confirmed", body = Account)))]
async fn confirm_email(state: web::Data<AppState>, body: web::Json<TokenBody>) -> WebResult<HttpResponse> {
    let token = body.into_inner().token;
    let user = state.db.run(move |conn| links::confirm_email(conn, &token)).await?;
    Ok(HttpResponse::Ok().json(Account::of(user)))
}

/// Mails the confirmation link again.
#[utoipa::path(post, path = "/auth/confirm-email/resend", tag = "accounts", security(("bearer" = [])),
    responses((status = 202, description = "A new link is on its way")))]
async fn resend_confirmation(state: web::Data<AppState>, caller: ApiUser) -> WebResult<HttpResponse> {
    let id = caller.user().id;
    let st = state.clone();
    state.db.run(move |conn| links::resend_confirmation(conn, &st.mail_context(), id)).await?;
    Ok(HttpResponse::Accepted().finish())
}

#[derive(Deserialize, ToSchema)]
struct ForgotBody {
    email: String,
}

/// Mails a password-reset link.
///
/// Always 202: whether the address belongs to anyone is not said.
#[utoipa::path(post, path = "/auth/password/forgot", tag = "accounts", request_body = ForgotBody,
    responses((status = 202, description = "A link is on its way if the address is known")))]
async fn forgot_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<ForgotBody>,
) -> WebResult<HttpResponse> {
    let email = body.into_inner().email;
    let ip = client_address(&req, &state.config);
    let st = state.clone();
    state
        .db
        .run(move |conn| {
            links::request_password_reset(conn, &st.mail_context(), &st.config, &email, &accounts::Client { ip: &ip })
        })
        .await?;
    Ok(HttpResponse::Accepted().finish())
}

#[derive(Deserialize, ToSchema)]
struct ResetBody {
    /// The token from the mailed reset link.
    token: String,
    password: String,
}

/// Sets a new password with a reset token.
///
/// Every other session ends, and a new one starts.
#[utoipa::path(post, path = "/auth/password/reset", tag = "accounts", request_body = ResetBody,
    responses((status = 200, description = "Password set; signed in", body = Session)))]
async fn reset_password(state: web::Data<AppState>, body: web::Json<ResetBody>) -> WebResult<HttpResponse> {
    let ResetBody { token, password } = body.into_inner();
    let user = state.db.run(move |conn| links::reset_password(conn, &token, &password)).await?;
    Ok(HttpResponse::Ok().json(start_session(&state, user).await?))
}

/// An admin vouches for an account's address (no link needed).
#[utoipa::path(post, path = "/admin/users/{username}/confirm-email", tag = "accounts", security(("bearer" = [])),
    params(("username" = String, Path, description = "The account's username")),
    responses((status = 200, description = "The address is confirmed", body = Account)))]
async fn admin_confirm_email(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<String>,
) -> WebResult<HttpResponse> {
    if !caller.user().is_admin {
        return Err(AppError(Error::Forbidden));
    }
    let username = path.into_inner();
    let user = state
        .db
        .run(move |conn| {
            let person = accounts::find_by_username(conn, &username)?;
            accounts::confirm_email_directly(conn, person.id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Account::of(user)))
}

/// The caller's own account.
#[utoipa::path(get, path = "/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, description = "The caller's account", body = Account)))]
async fn me(caller: ApiUser) -> HttpResponse {
    HttpResponse::Ok().json(Account::of(caller.user().clone()))
}

/// Changes the caller's display name, unit (หน่วยงาน) or position
/// (ตำแหน่ง); fields left out stay as they are.
#[utoipa::path(patch, path = "/me", tag = "accounts", security(("bearer" = [])),
    request_body = accounts::profile::ProfileChange,
    responses((status = 200, description = "The account as saved", body = Account),
        (status = 422, description = "A field is not valid", content_type = "application/problem+json", body = Problem)))]
async fn update_me(
    state: web::Data<AppState>,
    caller: ApiUser,
    body: web::Json<accounts::profile::ProfileChange>,
) -> WebResult<HttpResponse> {
    let id = caller.user().id;
    let change = body.into_inner();
    let user = state.db.run(move |conn| accounts::profile::update_profile(conn, id, &change)).await?;
    Ok(HttpResponse::Ok().json(Account::of(user)))
}

/// Everything Sala holds that the caller wrote or chose: profile, settings,
/// memberships, subscriptions and posts (Thailand's PDPA right of access).
#[utoipa::path(get, path = "/me/export", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, description = "The caller's data", body = accounts::profile::DataExport)))]
async fn export_me(state: web::Data<AppState>, caller: ApiUser) -> WebResult<HttpResponse> {
    let id = caller.user().id;
    let data = state.db.run(move |conn| accounts::profile::export(conn, id)).await?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CONTENT_DISPOSITION, "attachment; filename=\"sala-my-data.json\""))
        .json(data))
}

#[derive(Deserialize, ToSchema)]
struct EmailChange {
    /// The new address; a link to it must be followed before it counts.
    email: String,
    /// The current password.
    password: String,
}

/// Starts moving the account to a new address: a link goes there, and the
/// old address stays until the link is followed.
#[utoipa::path(post, path = "/me/email", tag = "accounts", security(("bearer" = [])),
    request_body = EmailChange,
    responses((status = 202, description = "A link was sent to the new address"),
        (status = 422, description = "Wrong password, or not an address", content_type = "application/problem+json",
            body = Problem)))]
async fn change_email(
    state: web::Data<AppState>,
    caller: ApiUser,
    body: web::Json<EmailChange>,
) -> WebResult<HttpResponse> {
    let id = caller.user().id;
    let EmailChange { email, password } = body.into_inner();
    let st = state.clone();
    state.db.run(move |conn| links::request_email_change(conn, &st.mail_context(), id, &password, &email)).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// The caller's notifications and how many are unread.
#[derive(Serialize, ToSchema)]
struct Notifications {
    unread: i64,
    /// Newest first.
    notifications: Vec<NotificationRow>,
}

/// The caller's notifications, newest first, with the unread count.
///
/// Only about communities the caller may read now.
#[utoipa::path(get, path = "/notifications", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, description = "The caller's notifications", body = Notifications)))]
async fn notifications(state: web::Data<AppState>, caller: ApiUser) -> WebResult<HttpResponse> {
    let id = caller.user().id;
    let (unread, notifications) = state
        .db
        .run(move |conn| {
            Ok((crate::notifications::unread_count(conn, id)?, crate::notifications::recent(conn, id, 100)?))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Notifications { unread, notifications }))
}

/// Marks every notification of the caller read.
#[utoipa::path(post, path = "/notifications/read", tag = "accounts", security(("bearer" = [])),
    responses((status = 204, description = "All read")))]
async fn mark_notifications_read(state: web::Data<AppState>, caller: ApiUser) -> WebResult<HttpResponse> {
    let id = caller.user().id;
    state.db.run(move |conn| crate::notifications::mark_all_read(conn, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, Serialize, ToSchema)]
struct NotificationSettings {
    /// Email me when someone replies to my post.
    notify_replies: bool,
    /// Email me when my question gets an accepted answer.
    notify_resolved: bool,
    /// Tell me when someone @mentions me (by email too when
    /// `notify_replies` is on). Unchanged when left out.
    #[serde(default)]
    notify_mentions: Option<bool>,
}

/// Which events the caller hears of by email.
#[utoipa::path(put, path = "/me/notification-settings", tag = "accounts", security(("bearer" = [])),
    request_body = NotificationSettings,
    responses((status = 200, description = "The settings saved", body = NotificationSettings)))]
async fn notification_settings(
    state: web::Data<AppState>,
    caller: ApiUser,
    body: web::Json<NotificationSettings>,
) -> WebResult<HttpResponse> {
    let id = caller.user().id;
    let settings = body.into_inner();
    let NotificationSettings { notify_replies, notify_resolved, notify_mentions } = settings;
    let mentions = notify_mentions.unwrap_or(caller.user().notify_mentions);
    let chosen = crate::notifications::Preferences { replies: notify_replies, resolved: notify_resolved, mentions };
    state.db.run(move |conn| crate::notifications::set_preferences(conn, id, chosen)).await?;
    let saved = NotificationSettings { notify_replies, notify_resolved, notify_mentions: Some(mentions) };
    Ok(HttpResponse::Ok().json(saved))
}

#[derive(Deserialize, Serialize, ToSchema)]
struct LocaleBody {
    /// `th` or `en`.
    #[schema(example = "th")]
    locale: String,
}

/// The language Sala speaks to the caller, in pages and mail.
#[utoipa::path(put, path = "/me/locale", tag = "accounts", security(("bearer" = [])), request_body = LocaleBody,
    responses((status = 200, description = "The language saved", body = LocaleBody)))]
async fn set_locale(
    state: web::Data<AppState>,
    caller: ApiUser,
    body: web::Json<LocaleBody>,
) -> WebResult<HttpResponse> {
    let id = caller.user().id;
    let choice = body.into_inner();
    let locale = choice.locale.clone();
    state.db.run(move |conn| accounts::set_locale(conn, id, &locale)).await?;
    Ok(HttpResponse::Ok().json(choice))
}

#[derive(Deserialize, ToSchema)]
struct PasswordBody {
    current_password: String,
    new_password: String,
}

/// Changes the password: every session ends, and a new token is returned.
#[utoipa::path(post, path = "/me/password", tag = "accounts", security(("bearer" = [])), request_body = PasswordBody,
    responses((status = 200, description = "Password changed; a new session", body = Session)))]
async fn change_password(
    state: web::Data<AppState>,
    caller: ApiUser,
    body: web::Json<PasswordBody>,
) -> WebResult<HttpResponse> {
    let id = caller.user().id;
    let PasswordBody { current_password, new_password } = body.into_inner();
    let user = state.db.run(move |conn| accounts::change_password(conn, id, &current_password, &new_password)).await?;
    Ok(HttpResponse::Ok().json(start_session(&state, user).await?))
}

/// A person as others see them, with their recent posts.
#[derive(Serialize, ToSchema)]
struct Profile {
    user: PublicUser,
    /// Newest first; only posts the caller may read.
    posts: Vec<UserPostRow>,
}

/// A person's public profile: who they are, and their posts the caller may read.
#[utoipa::path(get, path = "/users/{username}", tag = "accounts",
    params(("username" = String, Path, description = "The person's username")),
    responses((status = 200, description = "The profile", body = Profile)))]
async fn profile(state: web::Data<AppState>, caller: MaybeApiUser, path: web::Path<String>) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let username = path.into_inner();
    let (person, posts) = state
        .db
        .run(move |conn| {
            let person = accounts::find_by_username(conn, &username)?;
            let posts = crate::threads::views::user_posts(conn, viewer, person.id, 50)?;
            Ok((person, posts))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Profile { user: PublicUser::from(&person), posts }))
}
