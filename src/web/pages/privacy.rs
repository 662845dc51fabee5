//! People's own data: their profile, their address, a copy of everything,
//! closing the account, and the privacy notice (Thailand's PDPA).

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::{form_failure, CsrfOnly};
use crate::accounts::{links, profile};
use crate::error::Context as _;
use crate::error::Error;
use crate::web::errors::WebResult;
use crate::web::flash::{see_other_with, Flash};
use crate::web::session::{expired_session_cookie, CsrfForm, Session};
use crate::web::AppState;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.post("/settings/profile", save_profile)
        .post("/settings/email", request_email_change)
        .get("/settings/email/{token}", email_change_page)
        .post("/settings/email/{token}", change_email)
        .get("/settings/export", export)
        .post("/settings/close", close_account)
        .get("/privacy", privacy_notice);
}

/// The settings page again, with what went wrong in one of its forms.
pub(super) async fn settings_with_errors(
    state: &AppState,
    session: &Session,
    error: Error,
    echo: serde_json::Value,
) -> WebResult<HttpResponse> {
    let (status, errors) = form_failure(session.lang, error)?;
    let mut ctx = super::accounts::settings_context(state, session).await?;
    ctx.insert("errors", &errors);
    ctx.insert("echo", &echo);
    state.render_with_status(session, "settings.html", &mut ctx, status)
}

#[derive(Deserialize)]
struct ProfileForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    position: String,
}

async fn save_profile(
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(form): CsrfForm<ProfileForm>,
) -> WebResult<HttpResponse> {
    let user_id = session.require_user()?.id;
    let echo = serde_json::json!({"display_name": form.display_name, "unit": form.unit, "position": form.position});
    let change = profile::ProfileChange {
        display_name: Some(form.display_name),
        unit: Some(form.unit),
        position: Some(form.position),
    };
    match state.db.run(move |conn| profile::update_profile(conn, user_id, &change)).await {
        Ok(_) => Ok(see_other_with("/settings#profile", Flash::ProfileSaved)),
        Err(e) => settings_with_errors(&state, &session, e, echo).await,
    }
}

#[derive(Deserialize)]
struct EmailForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

async fn request_email_change(
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(form): CsrfForm<EmailForm>,
) -> WebResult<HttpResponse> {
    let user_id = session.require_user()?.id;
    let echo = serde_json::json!({"email": form.email});
    let st = state.clone();
    let result = state
        .db
        .run(move |conn| links::request_email_change(conn, &st.mail_context(), user_id, &form.password, &form.email))
        .await;
    match result {
        Ok(()) => Ok(see_other_with("/settings#email", Flash::EmailChangeSent)),
        Err(e) => settings_with_errors(&state, &session, e, echo).await,
    }
}

/// The mailed link's page (see `accounts::mailed_link_page`).
async fn email_change_page(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
) -> WebResult<HttpResponse> {
    let token = path.into_inner();
    let action = format!("/settings/email/{token}");
    super::accounts::mailed_link_page(&state, &session, token, links::Purpose::ChangeEmail, action).await
}

async fn change_email(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    CsrfForm(_): CsrfForm<CsrfOnly>,
) -> WebResult<HttpResponse> {
    let token = path.into_inner();
    match state.db.run(move |conn| links::change_email(conn, &token)).await {
        Ok(_) => Ok(see_other_with("/settings#email", Flash::EmailChanged)),
        Err(Error::Refused(_)) => {
            let mut ctx = tera::Context::new();
            ctx.insert("valid", &false);
            ctx.insert("done", &false);
            state.render_with_status(&session, "confirm_email.html", &mut ctx, StatusCode::GONE)
        }
        Err(e) => Err(e.into()),
    }
}

/// The same JSON as `GET /api/v1/me/export`, for the signed-in browser.
async fn export(state: web::Data<AppState>, session: Session) -> WebResult<HttpResponse> {
    let user_id = session.require_user()?.id;
    let data = state.db.run(move |conn| profile::export(conn, user_id)).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"sala-my-data.json\""))
        .json(data))
}

#[derive(Deserialize)]
struct CloseForm {
    #[serde(default)]
    password: String,
}

async fn close_account(
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(form): CsrfForm<CloseForm>,
) -> WebResult<HttpResponse> {
    let user_id = session.require_user()?.id;
    match state.db.run(move |conn| profile::close_account(conn, user_id, &form.password)).await {
        Ok(()) => {
            let mut res = see_other_with("/", Flash::AccountClosed);
            res.add_cookie(&expired_session_cookie(&state)).context("cannot set a cookie")?;
            Ok(res)
        }
        Err(e) => settings_with_errors(&state, &session, e, serde_json::json!({})).await,
    }
}

/// The privacy notice: the admin's own (Markdown in `SALA_PRIVACY_NOTICE`,
/// a file), or Sala's default in the reader's language.
async fn privacy_notice(state: web::Data<AppState>, session: Session) -> WebResult<HttpResponse> {
    let mut ctx = tera::Context::new();
    if let Some(path) = state.config.privacy_notice.clone() {
        let text = web::block(move || std::fs::read_to_string(&path))
            .await
            .context("privacy notice")?
            .context("cannot read the privacy notice (SALA_PRIVACY_NOTICE)")?;
        ctx.insert("notice_html", &crate::markdown::render(&text));
    }
    state.render(&session, "privacy.html", &mut ctx)
}
