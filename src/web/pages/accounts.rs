//! Login, registration, logout, settings and profiles.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::{form_failure, safe_next, see_other};
use crate::accounts::{self, tokens, Registration, User};
use crate::communities::views as community_views;
use crate::error::Error;
use crate::i18n::Lang;
use crate::threads::views as thread_views;
use crate::web::errors::{AppError, WebResult};
use crate::web::session::{expired_session_cookie, lang_cookie, session_cookie, CsrfForm, Session};
use crate::web::AppState;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/login", login_page)
        .post("/login", login)
        .get("/register", register_page)
        .post("/register", register)
        .post("/logout", logout)
        .get("/settings", settings_page)
        .post("/settings/password", change_password)
        .post("/settings/logout-everywhere", logout_everywhere)
        .post("/lang", set_language)
        .get("/u/{username}", profile);
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
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
    state.render(&session, "login.html", &mut ctx)
}

fn client_ip(req: &HttpRequest) -> String {
    req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_else(|| "unknown".to_owned())
}

/// Logs the browser in as `user` and sends it on to `next`.
fn start_session(state: &AppState, user: &User, next: &str) -> WebResult<HttpResponse> {
    let token = tokens::issue(&state.config.secret, user, state.config.session_hours)?;
    let mut res = see_other(next);
    res.add_cookie(&session_cookie(state, &token)).map_err(|e| AppError(Error::Internal(e.to_string())))?;
    Ok(res)
}

async fn login(
    state: web::Data<AppState>,
    session: Session,
    req: HttpRequest,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> WebResult<HttpResponse> {
    let ip = client_ip(&req);
    let next = safe_next(form.next.as_deref());
    let (login, password) = (form.login.clone(), form.password);
    let st = state.clone();
    let result = state.db.run(move |conn| accounts::authenticate(conn, &st.config, &login, &password, &ip)).await;
    let (status, message) = match result {
        Ok(user) => return start_session(&state, &user, &next),
        Err(Error::BadCredentials) => (StatusCode::UNAUTHORIZED, session.lang.t("error-bad-credentials")),
        Err(Error::TooManyAttempts { retry_after_secs }) => (
            StatusCode::TOO_MANY_REQUESTS,
            session.lang.t_args("error-too-many-attempts", &[("minutes", ((retry_after_secs + 59) / 60).into())]),
        ),
        Err(e) => return Err(e.into()),
    };
    let mut ctx = tera::Context::new();
    ctx.insert("next", &next);
    ctx.insert("login", &form.login);
    ctx.insert("error", &message);
    state.render_with_status(&session, "login.html", &mut ctx, status)
}

async fn register_page(state: web::Data<AppState>, session: Session) -> WebResult<HttpResponse> {
    let mut ctx = tera::Context::new();
    ctx.insert("form", &serde_json::json!({}));
    state.render(&session, "register.html", &mut ctx)
}

async fn register(
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(form): CsrfForm<Registration>,
) -> WebResult<HttpResponse> {
    let reg = form.clone();
    match state.db.run(move |conn| accounts::register(conn, &reg, false)).await {
        Ok(user) => start_session(&state, &user, "/"),
        Err(e) => {
            let (status, errors) = form_failure(session.lang, e)?;
            let mut ctx = tera::Context::new();
            ctx.insert(
                "form",
                &serde_json::json!({"username": form.username, "display_name": form.display_name, "email": form.email}),
            );
            ctx.insert("errors", &errors);
            state.render_with_status(&session, "register.html", &mut ctx, status)
        }
    }
}

#[derive(Deserialize)]
struct EmptyForm {}

async fn logout(state: web::Data<AppState>, CsrfForm(_): CsrfForm<EmptyForm>) -> WebResult<HttpResponse> {
    let mut res = see_other("/");
    res.add_cookie(&expired_session_cookie(&state)).map_err(|e| AppError(Error::Internal(e.to_string())))?;
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
    session.require_user()?;
    let mut ctx = tera::Context::new();
    ctx.insert("done", &q.done);
    state.render(&session, "settings.html", &mut ctx)
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
        Ok(user) => start_session(&state, &user, "/settings?done=password"),
        Err(e) => {
            let (status, errors) = form_failure(session.lang, e)?;
            let mut ctx = tera::Context::new();
            ctx.insert("errors", &errors);
            state.render_with_status(&session, "settings.html", &mut ctx, status)
        }
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
    res.add_cookie(&expired_session_cookie(&state)).map_err(|e| AppError(Error::Internal(e.to_string())))?;
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
    res.add_cookie(&lang_cookie(&state, lang)).map_err(|e| AppError(Error::Internal(e.to_string())))?;
    Ok(res)
}

async fn profile(state: web::Data<AppState>, session: Session, path: web::Path<String>) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let username = path.into_inner();
    let (person, posts, memberships, knowledge) = state
        .db
        .run(move |conn| {
            let person = accounts::find_by_username(conn, &username)?;
            let posts = thread_views::user_posts(conn, viewer, person.id, 50)?;
            let memberships = community_views::memberships_of(conn, person.id)?;
            let knowledge = crate::knowledge::views::by_contributor(conn, viewer, person.id)?;
            Ok((person, posts, memberships, knowledge))
        })
        .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("knowledge", &knowledge);
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
