//! Sign-in with the organisation's OpenID Connect provider: the button
//! sends the browser there, the callback signs it in. The state is bound
//! to the browser by a short-lived cookie, so a callback that another
//! browser started (login CSRF) is refused.

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::safe_next;
use crate::accounts::oidc;
use crate::error::Context as _;
use crate::error::Error;
use crate::web::errors::{AppError, WebResult};
use crate::web::flash::Flash;
use crate::web::AppState;

const STATE_COOKIE: &str = "sala_oidc_state";

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/auth/oidc/start", start).get("/auth/oidc/callback", callback);
}

fn state_cookie(state: &AppState, value: &str, minutes: i64) -> Cookie<'static> {
    Cookie::build(STATE_COOKIE, value.to_owned())
        .path("/auth/oidc")
        .http_only(true)
        // Lax: the provider's redirect back is a top-level GET, which Lax lets through.
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies())
        .max_age(CookieDuration::minutes(minutes))
        .finish()
}

#[derive(Deserialize)]
struct StartQuery {
    next: Option<String>,
}

async fn start(state: web::Data<AppState>, q: web::Query<StartQuery>) -> WebResult<HttpResponse> {
    let settings = state.config.oidc.clone().ok_or(AppError(Error::NotFound))?;
    let next = safe_next(q.next.as_deref());
    let base = state.config.base_url.clone();
    let db = state.db.clone();
    let (url, sign_in_state) =
        web::block(move || oidc::start(&db, &settings, &base, &next)).await.context("OpenID Connect sign-in")??;
    let mut res = HttpResponse::SeeOther().insert_header((header::LOCATION, url)).finish();
    res.add_cookie(&state_cookie(&state, &sign_in_state, 10)).context("cannot set a cookie")?;
    Ok(res)
}

#[derive(Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
}

async fn callback(
    state: web::Data<AppState>,
    req: HttpRequest,
    q: web::Query<CallbackQuery>,
) -> WebResult<HttpResponse> {
    let settings = state.config.oidc.clone().ok_or(AppError(Error::NotFound))?;
    let q = q.into_inner();
    let bound = req.cookie(STATE_COOKIE).map(|c| c.value().to_owned());
    let (Some(code), Some(sign_in_state)) = (q.code, q.state) else {
        // The provider sends `error=…` instead when the person cancels.
        return Err(AppError(Error::Refused("error-sign-in-refused")));
    };
    if bound.as_deref() != Some(sign_in_state.as_str()) {
        return Err(AppError(Error::Refused("error-sign-in-refused")));
    }
    let base = state.config.base_url.clone();
    let db = state.db.clone();
    let mappings = state.config.group_mappings.clone();
    let (user, next) = web::block(move || oidc::finish(&db, &settings, &mappings, &base, &sign_in_state, &code))
        .await
        .context("OpenID Connect sign-in")??;
    if user.deactivated_at.is_some() {
        return Err(AppError(Error::Refused("error-account-deactivated")));
    }
    let mut res = super::accounts::start_session(&state, &user, &next, Some(Flash::SignedIn)).await?;
    res.add_cookie(&state_cookie(&state, "", 0)).context("cannot set a cookie")?;
    Ok(res)
}
