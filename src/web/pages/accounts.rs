//! Login, registration, logout, email confirmation, password resets,
//! settings and profiles.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::{form_failure, safe_next, see_other, EmptyForm};
use crate::accounts::{self, links, sessions, Client, Registration, User};
use crate::communities::views as community_views;
use crate::error::Context as _;
use crate::error::Error;
use crate::i18n::Lang;
use crate::threads::views as thread_views;
use crate::web::errors::{AppError, WebResult};
use crate::web::flash::{see_other_with, Flash};
use crate::web::session::{client_address, expired_session_cookie, lang_cookie, session_cookie, CsrfForm, Session};
use crate::web::AppState;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/login", login_page)
        .post("/login", login)
        .get("/register", register_page)
        .post("/register", register)
        .get("/welcome", welcome)
        .post("/logout", logout)
        .get("/confirm-email/{token}", confirm_email_page)
        .post("/confirm-email/{token}", confirm_email)
        .post("/settings/confirm-email", resend_confirmation)
        .post("/settings/feed-key", reset_feed_key)
        .get("/password/forgot", forgot_page)
        .post("/password/forgot", forgot)
        .get("/password/reset/{token}", reset_page)
        .post("/password/reset/{token}", reset)
        .post("/u/{username}/confirm-email", admin_confirm_email)
        .get("/settings", settings_page)
        .post("/settings/password", change_password)
        .post("/settings/logout-everywhere", logout_everywhere)
        .post("/lang", set_language)
        .get("/u/{username}", profile)
        .post("/u/{username}/mute", mute)
        .post("/settings/topics", save_topics)
        .get("/people/suggest", suggest_people);
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
    /// `?local=1`: the password form even when local passwords are off,
    /// for the admins created on the command line (break glass).
    local: Option<String>,
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

async fn login_page(state: web::Data<AppState>, session: Session, q: web::Query<NextQuery>) -> WebResult<HttpResponse> {
    let mut ctx = tera::Context::new();
    ctx.insert("next", &safe_next(q.next.as_deref()));
    ctx.insert("login", "");
    ctx.insert("password_form", &(state.config.local_login || q.local.is_some()));
    ctx.insert("sso_label", &state.config.oidc.as_ref().map(|o| o.label.clone()));
    state.render(&session, "login.html", &mut ctx)
}

/// Logs the browser in as `user` (a new session) and sends it on to `next`,
/// with `flash` shown there.
pub(super) async fn start_session(
    state: &web::Data<AppState>,
    user: &User,
    next: &str,
    flash: Option<Flash>,
) -> WebResult<HttpResponse> {
    let (st, user) = (state.clone(), user.clone());
    let (token, hours) = state.db.run(move |conn| sessions::begin(conn, &st.config, &user)).await?;
    let mut res = match flash {
        Some(flash) => see_other_with(next, flash),
        None => see_other(next),
    };
    res.add_cookie(&session_cookie(state, &token, hours)).context("cannot set a cookie")?;
    Ok(res)
}

async fn login(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> WebResult<HttpResponse> {
    let ip = client_address(&req, &state.config);
    let next = safe_next(form.next.as_deref());
    let (login, password) = (form.login.clone(), form.password);
    let st = state.clone();
    let result = state
        .db
        .run(move |conn| accounts::authenticate(conn, &st.config, &login, &password, &Client { ip: &ip }))
        .await;
    let (status, message) = match result {
        Ok(user) => return start_session(&state, &user, &next, None).await,
        Err(Error::BadCredentials) => (StatusCode::UNAUTHORIZED, session.lang.t("error-bad-credentials")),
        Err(Error::TooManyAttempts { retry_after_secs }) => (
            StatusCode::TOO_MANY_REQUESTS,
            session.lang.t_args("error-too-many-attempts", &[("minutes", ((retry_after_secs + 59) / 60).into())]),
        ),
        Err(Error::Refused(code)) => (StatusCode::CONFLICT, session.lang.t(code)),
        Err(e) => return Err(e.into()),
    };
    let mut ctx = tera::Context::new();
    ctx.insert("next", &next);
    ctx.insert("login", &form.login);
    ctx.insert("error", &message);
    ctx.insert("password_form", &true);
    ctx.insert("sso_label", &state.config.oidc.as_ref().map(|o| o.label.clone()));
    state.render_with_status(&session, "login.html", &mut ctx, status)
}

async fn register_page(
    state: web::Data<AppState>,
    session: Session,
    q: web::Query<NextQuery>,
) -> WebResult<HttpResponse> {
    let mut ctx = tera::Context::new();
    ctx.insert("form", &serde_json::json!({}));
    ctx.insert("next", &safe_next(q.next.as_deref()));
    state.render(&session, "register.html", &mut ctx)
}

/// The sign-up form, and where the person was going when they were asked
/// to sign in (it survives registration: the welcome page leads back).
#[derive(Deserialize)]
struct RegisterForm {
    #[serde(flatten)]
    registration: Registration,
    next: Option<String>,
}

/// Signs up and logs in; the welcome page says a confirmation link is on its
/// way (whether or not the address was registered before: nothing here
/// tells).
async fn register(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    CsrfForm(RegisterForm { registration: form, next }): CsrfForm<RegisterForm>,
) -> WebResult<HttpResponse> {
    let next = safe_next(next.as_deref());
    let reg = form.clone();
    let ip = client_address(&req, &state.config);
    let st = state.clone();
    let result =
        state.db.run(move |conn| links::sign_up(conn, &st.mail_context(), &st.config, &reg, &Client { ip: &ip })).await;
    match result {
        Ok(user) => {
            let welcome = match next.as_str() {
                "/" => "/welcome".to_owned(),
                next => format!("/welcome?next={}", crate::web::errors::urlencode(next)),
            };
            start_session(&state, &user, &welcome, Some(Flash::Registered)).await
        }
        Err(e) => {
            let (status, errors) = form_failure(session.lang, e)?;
            let mut ctx = tera::Context::new();
            ctx.insert("next", &next);
            ctx.insert(
                "form",
                &serde_json::json!({"username": form.username, "display_name": form.display_name, "email": form.email}),
            );
            ctx.insert("errors", &errors);
            state.render_with_status(&session, "register.html", &mut ctx, status)
        }
    }
}

/// Ends this browser's session for good (a copy of its cookie stops working
/// too); the user's other devices stay logged in.
async fn logout(
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> WebResult<HttpResponse> {
    if let Some(session_id) = session.session_id().map(str::to_owned) {
        state.db.run(move |conn| sessions::end(conn, &session_id)).await?;
    }
    let mut res = see_other("/");
    res.add_cookie(&expired_session_cookie(&state)).context("cannot set a cookie")?;
    Ok(res)
}

#[derive(Deserialize)]
struct SettingsQuery {
    done: Option<String>,
}

async fn settings_page(
    state: web::Data<AppState>,
    session: Session,
    q: web::Query<SettingsQuery>,
) -> WebResult<HttpResponse> {
    let mut ctx = settings_context(&state, &session).await?;
    ctx.insert("done", &q.done);
    state.render(&session, "settings.html", &mut ctx)
}

/// What the settings page shows besides the account itself: the picture
/// and the declared topics (for the page and for its forms' errors).
pub(super) async fn settings_context(state: &AppState, session: &Session) -> WebResult<tera::Context> {
    let user_id = session.require_user()?.id;
    let (avatar, topics) = state
        .db
        .run(move |conn| {
            Ok((crate::files::avatars::of(conn, user_id)?, crate::experts::declared_topics(conn, user_id)?))
        })
        .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("topics", &topics.join(", "));
    ctx.insert("avatar", &avatar);
    ctx.insert("done", &None::<String>);
    Ok(ctx)
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

async fn change_password(
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> WebResult<HttpResponse> {
    let user_id = session.require_user()?.id;
    let result = state
        .db
        .run(move |conn| accounts::change_password(conn, user_id, &form.current_password, &form.new_password))
        .await;
    match result {
        // Every older session is now void; this browser gets a fresh one.
        Ok(user) => start_session(&state, &user, "/settings?done=password", None).await,
        Err(e) => super::privacy::settings_with_errors(&state, &session, e, serde_json::json!({})).await,
    }
}

async fn logout_everywhere(
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> WebResult<HttpResponse> {
    let user_id = session.require_user()?.id;
    state.db.run(move |conn| accounts::revoke_sessions(conn, user_id)).await?;
    let mut res = see_other("/login");
    res.add_cookie(&expired_session_cookie(&state)).context("cannot set a cookie")?;
    Ok(res)
}

#[derive(Deserialize)]
struct LangForm {
    lang: String,
    next: Option<String>,
}

async fn set_language(
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(form): CsrfForm<LangForm>,
) -> WebResult<HttpResponse> {
    let lang = Lang::parse(&form.lang).ok_or(AppError(Error::invalid("lang", "error-invalid-choice")))?;
    if let Some(user) = &session.user {
        let user_id = user.id;
        state.db.run(move |conn| accounts::set_locale(conn, user_id, lang.code())).await?;
    }
    let mut res = see_other(&safe_next(form.next.as_deref()));
    res.add_cookie(&lang_cookie(&state, lang)).context("cannot set a cookie")?;
    Ok(res)
}

async fn profile(state: web::Data<AppState>, session: Session, path: web::Path<String>) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let username = path.into_inner();
    let (person, posts, memberships, knowledge, avatar, muted, topics, declared) = state
        .db
        .run(move |conn| {
            let person = accounts::find_by_username(conn, &username)?;
            let posts = thread_views::user_posts(conn, viewer, person.id, 50)?;
            let memberships = community_views::memberships_of(conn, person.id)?;
            let knowledge = crate::knowledge::views::by_contributor(conn, viewer, person.id)?;
            let avatar = crate::files::avatars::of(conn, person.id)?;
            let topics = crate::experts::topics_of(conn, viewer, person.id)?;
            let declared = crate::experts::declared_topics(conn, person.id)?;
            let muted = match viewer.user_id {
                Some(me) => crate::notifications::has_muted(conn, me, person.id)?,
                None => false,
            };
            Ok((person, posts, memberships, knowledge, avatar, muted, topics, declared))
        })
        .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("muted", &muted);
    ctx.insert("topics", &topics);
    ctx.insert("declared", &declared);
    ctx.insert("avatar", &avatar);
    ctx.insert("initials", &crate::files::avatars::initials(&person.display_name, &person.username));
    ctx.insert("knowledge", &knowledge);
    ctx.insert("person_email_confirmed", &person.email_confirmed());
    ctx.insert("person_active", &person.deactivated_at.is_none());
    ctx.insert("person", &person);
    ctx.insert("posts", &posts);
    let memberships: Vec<_> = memberships
        .into_iter()
        .filter(|(c, _)| c.is_public || viewer.is_admin || viewer.user_id == Some(person.id))
        .map(|(c, role)| serde_json::json!({"slug": c.slug, "name": c.name, "role": role}))
        .collect();
    ctx.insert("memberships", &memberships);
    state.render(&session, "profile.html", &mut ctx)
}

/// Mutes (`value=1`) or unmutes someone: nothing they do notifies the one
/// who muted them.
async fn mute(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<super::ToggleForm>,
) -> WebResult<HttpResponse> {
    let me = session.require_user()?.id;
    let username = path.into_inner();
    let back = format!("/u/{username}");
    state
        .db
        .run(move |conn| {
            let person = accounts::find_by_username(conn, &username)?;
            crate::notifications::set_muted(conn, me, person.id, form.on())
        })
        .await?;
    Ok(see_other(&back))
}

#[derive(Deserialize)]
struct TopicsForm {
    #[serde(default)]
    topics: String,
}

/// The topics someone says they know, shown apart from the evidence.
async fn save_topics(
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(form): CsrfForm<TopicsForm>,
) -> WebResult<HttpResponse> {
    let user_id = session.require_user()?.id;
    state.db.run(move |conn| crate::experts::set_declared_topics(conn, user_id, &form.topics)).await?;
    Ok(see_other_with("/settings#topics", Flash::SettingsSaved))
}

#[derive(Deserialize)]
struct SuggestQuery {
    #[serde(default)]
    q: String,
}

/// People to @mention, for the editor's suggestions (signed-in readers).
async fn suggest_people(
    state: web::Data<AppState>,
    session: Session,
    q: web::Query<SuggestQuery>,
) -> WebResult<HttpResponse> {
    session.require_user()?;
    let typed = q.into_inner().q;
    let people = state.db.run(move |conn| crate::mentions::suggest(conn, &typed)).await?;
    Ok(HttpResponse::Ok().json(people))
}

/// After signing up: what Sala is for, and that a confirmation link is on
/// its way.
async fn welcome(state: web::Data<AppState>, session: Session, q: web::Query<NextQuery>) -> WebResult<HttpResponse> {
    session.require_user()?;
    let mut ctx = tera::Context::new();
    ctx.insert("next", &safe_next(q.next.as_deref()));
    state.render(&session, "welcome.html", &mut ctx)
}

/// A page for a mailed link: a button that posts, so that mail scanners
/// following links do not use single-use links up.
async fn confirm_email_page(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
) -> WebResult<HttpResponse> {
    let token = path.into_inner();
    let action = format!("/confirm-email/{token}");
    mailed_link_page(&state, &session, token, links::Purpose::ConfirmEmail, action).await
}

/// The page behind a mailed link of `purpose`: its button posts to `action`
/// while the link is good; 410 when it is not.
pub(super) async fn mailed_link_page(
    state: &AppState,
    session: &Session,
    token: String,
    purpose: links::Purpose,
    action: String,
) -> WebResult<HttpResponse> {
    let valid = state.db.run(move |conn| links::is_valid(conn, &token, purpose)).await?;
    let mut ctx = tera::Context::new();
    ctx.insert("action", &action);
    ctx.insert("valid", &valid);
    ctx.insert("done", &false);
    let status = if valid { StatusCode::OK } else { StatusCode::GONE };
    state.render_with_status(session, "confirm_email.html", &mut ctx, status)
}

async fn confirm_email(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> WebResult<HttpResponse> {
    let token = path.into_inner();
    let result = state.db.run(move |conn| links::confirm_email(conn, &token)).await;
    let mut ctx = tera::Context::new();
    let status = match result {
        Ok(_) => {
            ctx.insert("done", &true);
            ctx.insert("valid", &true);
            StatusCode::OK
        }
        Err(Error::Refused(_)) => {
            ctx.insert("done", &false);
            ctx.insert("valid", &false);
            StatusCode::GONE
        }
        Err(Error::Conflict(_)) => {
            ctx.insert("done", &false);
            ctx.insert("valid", &true);
            ctx.insert("taken", &true);
            StatusCode::CONFLICT
        }
        Err(e) => return Err(e.into()),
    };
    // The page shows the signed-in user as now confirmed.
    let session = Session::reload(&state, session).await?;
    state.render_with_status(&session, "confirm_email.html", &mut ctx, status)
}

async fn resend_confirmation(
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> WebResult<HttpResponse> {
    let user_id = session.require_user()?.id;
    let st = state.clone();
    state.db.run(move |conn| links::resend_confirmation(conn, &st.mail_context(), user_id)).await?;
    Ok(see_other("/settings?done=confirmation-sent"))
}

#[derive(Deserialize)]
struct ForgotForm {
    #[serde(default)]
    email: String,
}

async fn forgot_page(state: web::Data<AppState>, session: Session) -> WebResult<HttpResponse> {
    let mut ctx = tera::Context::new();
    ctx.insert("sent", &false);
    ctx.insert("email", "");
    state.render(&session, "password_forgot.html", &mut ctx)
}

/// Always answers "if an account uses that address, a link is on its way".
async fn forgot(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    CsrfForm(form): CsrfForm<ForgotForm>,
) -> WebResult<HttpResponse> {
    let ip = client_address(&req, &state.config);
    let (st, email) = (state.clone(), form.email.clone());
    let result = state
        .db
        .run(move |conn| {
            links::request_password_reset(conn, &st.mail_context(), &st.config, &email, &Client { ip: &ip })
        })
        .await;
    let mut ctx = tera::Context::new();
    ctx.insert("email", &form.email);
    match result {
        Ok(()) => {
            ctx.insert("sent", &true);
            state.render(&session, "password_forgot.html", &mut ctx)
        }
        Err(e) => {
            let (status, errors) = form_failure(session.lang, e)?;
            ctx.insert("sent", &false);
            ctx.insert("errors", &errors);
            state.render_with_status(&session, "password_forgot.html", &mut ctx, status)
        }
    }
}

async fn reset_page(state: web::Data<AppState>, session: Session, path: web::Path<String>) -> WebResult<HttpResponse> {
    let token = path.into_inner();
    let check = token.clone();
    let valid = state.db.run(move |conn| links::is_valid(conn, &check, links::Purpose::ResetPassword)).await?;
    let mut ctx = tera::Context::new();
    ctx.insert("token", &token);
    ctx.insert("valid", &valid);
    let status = if valid { StatusCode::OK } else { StatusCode::GONE };
    state.render_with_status(&session, "password_reset.html", &mut ctx, status)
}

#[derive(Deserialize)]
struct ResetForm {
    #[serde(default)]
    password: String,
}

/// Sets the new password, ends every session, and logs this browser in.
async fn reset(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<ResetForm>,
) -> WebResult<HttpResponse> {
    let token = path.into_inner();
    let link = token.clone();
    let result = state.db.run(move |conn| links::reset_password(conn, &link, &form.password)).await;
    let mut ctx = tera::Context::new();
    ctx.insert("token", &token);
    match result {
        Ok(user) => start_session(&state, &user, "/settings?done=password-reset", None).await,
        Err(Error::Refused(_)) => {
            ctx.insert("valid", &false);
            state.render_with_status(&session, "password_reset.html", &mut ctx, StatusCode::GONE)
        }
        Err(e) => {
            let (status, errors) = form_failure(session.lang, e)?;
            ctx.insert("valid", &true);
            ctx.insert("errors", &errors);
            state.render_with_status(&session, "password_reset.html", &mut ctx, status)
        }
    }
}

/// An admin vouches for someone's address from their profile page.
async fn admin_confirm_email(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> WebResult<HttpResponse> {
    if !session.require_user()?.is_admin {
        return Err(AppError(Error::Forbidden));
    }
    let username = path.into_inner();
    let name = username.clone();
    state
        .db
        .run(move |conn| {
            let person = accounts::find_by_username(conn, &name)?;
            accounts::confirm_email_directly(conn, person.id)
        })
        .await?;
    Ok(see_other(&format!("/u/{}", crate::web::errors::urlencode(&username))))
}

/// A new secret for the private feed URLs: copies of the old ones stop working.
async fn reset_feed_key(
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> WebResult<HttpResponse> {
    let user_id = session.require_user()?.id;
    state.db.run(move |conn| accounts::reset_feed_token(conn, user_id)).await?;
    Ok(see_other("/settings?done=feed-key"))
}
