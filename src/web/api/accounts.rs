//! `/api/v1/auth/*`: register, log in (→ token), log out (this session or
//! everywhere), confirm the email address, reset a forgotten password; me and
//! my notifications; an admin's confirmation waiver.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use crate::accounts::{self, links, sessions, Registration, User};
use crate::error::Error;
use crate::web::errors::{AppError, WebResult};
use crate::web::session::{client_address, ApiUser};
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
        .put("/me/notification-settings", notification_settings)
        .put("/me/locale", set_locale)
        .post("/me/password", change_password)
        .get("/users/{username}", profile)
        .get("/notifications", notifications)
        .post("/notifications/read", mark_notifications_read);
}

/// A new session's token, as the API hands it out.
async fn session_json(state: &web::Data<AppState>, user: User) -> WebResult<serde_json::Value> {
    let st = state.clone();
    let signed_in = user.clone();
    let token =
        state.db.run(move |conn| sessions::start(conn, &st.config.secret, &signed_in, st.config.session_hours)).await?;
    Ok(json!({
        "user": user,
        "email_confirmed": user.email_confirmed(),
        "token": token,
        "expires_in": state.config.session_hours * 3600,
    }))
}

/// Signs up. The answer is the same whether or not the address is already
/// registered; the account reads at once and posts once its address is
/// confirmed through the link mailed to it.
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
    Ok(HttpResponse::Created().json(session_json(&state, user).await?))
}

#[derive(Deserialize)]
struct LoginBody {
    /// Username or email.
    login: String,
    password: String,
}

async fn login(state: web::Data<AppState>, req: HttpRequest, body: web::Json<LoginBody>) -> WebResult<HttpResponse> {
    let ip = client_address(&req, &state.config);
    let LoginBody { login, password } = body.into_inner();
    let st = state.clone();
    let user = state
        .db
        .run(move |conn| accounts::authenticate(conn, &st.config, &login, &password, &accounts::Client { ip: &ip }))
        .await?;
    Ok(HttpResponse::Ok().json(session_json(&state, user).await?))
}

/// Ends the session of the token sent, for good; other sessions go on.
async fn logout(state: web::Data<AppState>, caller: ApiUser) -> WebResult<HttpResponse> {
    let session_id = caller.0.session_id;
    state.db.run(move |conn| sessions::end(conn, &session_id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn logout_everywhere(state: web::Data<AppState>, caller: ApiUser) -> WebResult<HttpResponse> {
    let id = caller.user().id;
    state.db.run(move |conn| accounts::revoke_sessions(conn, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize)]
struct TokenBody {
    token: String,
}

async fn confirm_email(state: web::Data<AppState>, body: web::Json<TokenBody>) -> WebResult<HttpResponse> {
    let token = body.into_inner().token;
    let user = state.db.run(move |conn| links::confirm_email(conn, &token)).await?;
    Ok(HttpResponse::Ok().json(json!({"user": user, "email_confirmed": true})))
}

async fn resend_confirmation(state: web::Data<AppState>, caller: ApiUser) -> WebResult<HttpResponse> {
    let id = caller.user().id;
    let st = state.clone();
    state.db.run(move |conn| links::resend_confirmation(conn, &st.mail_context(), id)).await?;
    Ok(HttpResponse::Accepted().json(json!({})))
}

#[derive(Deserialize)]
struct ForgotBody {
    email: String,
}

/// Always 202: whether the address belongs to anyone is not said.
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
    Ok(HttpResponse::Accepted().json(json!({})))
}

#[derive(Deserialize)]
struct ResetBody {
    token: String,
    password: String,
}

/// Sets the new password, ends every other session, and starts one.
async fn reset_password(state: web::Data<AppState>, body: web::Json<ResetBody>) -> WebResult<HttpResponse> {
    let ResetBody { token, password } = body.into_inner();
    let user = state.db.run(move |conn| links::reset_password(conn, &token, &password)).await?;
    Ok(HttpResponse::Ok().json(session_json(&state, user).await?))
}

/// An admin vouches for an account's address (no link needed).
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
    Ok(HttpResponse::Ok().json(json!({"user": user, "email_confirmed": true})))
}

async fn me(caller: ApiUser) -> HttpResponse {
    let user = caller.user();
    HttpResponse::Ok().json(json!({"user": user, "email_confirmed": user.email_confirmed()}))
}

/// The caller's notifications, newest first, with the unread count (only
/// about communities they may read now).
async fn notifications(state: web::Data<AppState>, caller: ApiUser) -> WebResult<HttpResponse> {
    let id = caller.user().id;
    let (unread, list) = state
        .db
        .run(move |conn| {
            Ok((crate::notifications::unread_count(conn, id)?, crate::notifications::recent(conn, id, 100)?))
        })
        .await?;
    Ok(HttpResponse::Ok().json(json!({"unread": unread, "notifications": list})))
}

async fn mark_notifications_read(state: web::Data<AppState>, caller: ApiUser) -> WebResult<HttpResponse> {
    let id = caller.user().id;
    state.db.run(move |conn| crate::notifications::mark_all_read(conn, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize)]
struct NotificationSettings {
    /// Email me when someone replies to my post.
    notify_replies: bool,
    /// Email me when my question gets an accepted answer.
    notify_resolved: bool,
}

async fn notification_settings(
    state: web::Data<AppState>,
    caller: ApiUser,
    body: web::Json<NotificationSettings>,
) -> WebResult<HttpResponse> {
    let id = caller.user().id;
    let NotificationSettings { notify_replies, notify_resolved } = body.into_inner();
    state
        .db
        .run(move |conn| crate::notifications::set_email_preferences(conn, id, notify_replies, notify_resolved))
        .await?;
    Ok(HttpResponse::Ok().json(json!({"notify_replies": notify_replies, "notify_resolved": notify_resolved})))
}

#[derive(Deserialize)]
struct LocaleBody {
    /// `th` or `en`.
    locale: String,
}

async fn set_locale(
    state: web::Data<AppState>,
    caller: ApiUser,
    body: web::Json<LocaleBody>,
) -> WebResult<HttpResponse> {
    let id = caller.user().id;
    let locale = body.into_inner().locale;
    let saved = locale.clone();
    state.db.run(move |conn| accounts::set_locale(conn, id, &saved)).await?;
    Ok(HttpResponse::Ok().json(json!({"locale": locale})))
}

#[derive(Deserialize)]
struct PasswordBody {
    current_password: String,
    new_password: String,
}

/// Changes the password: every session ends, and a new token is returned.
async fn change_password(
    state: web::Data<AppState>,
    caller: ApiUser,
    body: web::Json<PasswordBody>,
) -> WebResult<HttpResponse> {
    let id = caller.user().id;
    let PasswordBody { current_password, new_password } = body.into_inner();
    let user = state.db.run(move |conn| accounts::change_password(conn, id, &current_password, &new_password)).await?;
    Ok(HttpResponse::Ok().json(session_json(&state, user).await?))
}

/// A person's public profile: who they are, and their posts the caller may read.
async fn profile(
    state: web::Data<AppState>,
    caller: crate::web::session::MaybeApiUser,
    path: web::Path<String>,
) -> WebResult<HttpResponse> {
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
    Ok(HttpResponse::Ok().json(json!({"user": person, "posts": posts})))
}
