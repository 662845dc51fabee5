//! Who is asking, in which language, and whether their form is genuine.
//! Browsers carry a JWT in an HttpOnly cookie; API clients send it as a
//! Bearer token. The API never reads the cookie, so it needs no CSRF check.

use std::future::Future;
use std::pin::Pin;

use actix_web::body::MessageBody;
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use rand::RngCore;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::errors::{is_api_path, AppError};
use super::AppState;
use crate::accounts::sessions::{self, Signed};
use crate::accounts::{tokens, User};
use crate::authz::Viewer;
use crate::error::Error;
use crate::i18n::Lang;

pub const SESSION_COOKIE: &str = "sala_session";
pub const CSRF_COOKIE: &str = "sala_csrf";
pub const LANG_COOKIE: &str = "sala_lang";

/// The browser's CSRF nonce when this request is the one that sets it.
#[derive(Clone)]
struct FreshNonce(String);

fn state_of(req: &HttpRequest) -> Result<web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>().cloned().ok_or_else(|| AppError(Error::internal("application state missing")))
}

/// Resolves a session token to its user and session, refusing tokens whose
/// session ended (logout) or that predate the user's last "log out
/// everywhere" or password change.
async fn signed_for_token(state: &web::Data<AppState>, token: &str) -> Result<Option<Signed>, AppError> {
    let (st, token) = (state.clone(), token.to_owned());
    Ok(state.db.run(move |conn| sessions::resolve(conn, &st.config.secret, &token)).await?)
}

/// A browser's session: the logged-in user (if any), the page language and
/// the CSRF nonce forms are bound to.
#[derive(Clone)]
pub struct Session {
    pub user: Option<User>,
    pub lang: Lang,
    /// This request's path and query, for "come back here" links.
    pub current_path: String,
    /// Unread notifications, for the bell.
    pub unread: i64,
    /// The confirmation the previous form left for this page.
    pub flash: Option<super::flash::Flash>,
    csrf_nonce: String,
    /// The session to end on logout.
    session_id: Option<String>,
}

impl Session {
    pub fn viewer(&self) -> Viewer {
        self.user.as_ref().map_or_else(Viewer::anonymous, User::viewer)
    }

    /// Whether this request may be served a page rendered for every
    /// anonymous reader (see `web::page_cache`).
    pub fn reads_shared_pages(&self) -> bool {
        self.user.is_none() && self.flash.is_none()
    }

    pub fn require_user(&self) -> Result<&User, AppError> {
        self.user.as_ref().ok_or(AppError(Error::Unauthenticated))
    }

    /// The same session with its user read again (after a change to the
    /// account this request made).
    pub async fn reload(state: &web::Data<AppState>, mut session: Session) -> Result<Session, AppError> {
        if let Some(id) = session.user.as_ref().map(|u| u.id) {
            session.user = Some(state.db.run(move |conn| crate::accounts::find(conn, id)).await?);
        }
        Ok(session)
    }

    pub fn session_id(&self) -> Option<&str> {
        self.session_id.as_deref()
    }

    /// Whether `token` is this browser's form token (forms that are not
    /// URL-encoded, such as uploads, check it themselves).
    pub fn check_csrf(&self, secret: &[u8], token: &str) -> Result<(), AppError> {
        if self.csrf_nonce.is_empty() || !tokens::csrf_matches(secret, &self.csrf_nonce, self.user.as_ref(), token) {
            return Err(AppError(Error::CsrfRejected));
        }
        Ok(())
    }

    pub fn csrf_token(&self, secret: &[u8]) -> String {
        tokens::csrf_token(secret, &self.csrf_nonce, self.user.as_ref())
    }

    pub(crate) async fn load(req: &HttpRequest) -> Result<Session, AppError> {
        if let Some(cached) = req.extensions().get::<Session>() {
            return Ok(cached.clone());
        }
        let state = state_of(req)?;
        // The session, and the bell's count with it: one trip to the
        // database pool for every signed-in page.
        let signed = match req.cookie(SESSION_COOKIE) {
            Some(c) => {
                let (st, token) = (state.clone(), c.value().to_owned());
                state
                    .db
                    .run(move |conn| {
                        let Some(signed) = sessions::resolve(conn, &st.config.secret, &token)? else { return Ok(None) };
                        // Invitations waiting for an answer count under the bell too.
                        let unread = crate::notifications::unread_count(conn, signed.user.id)?
                            + crate::communities::invitations::pending_count(conn, &signed.user)?;
                        Ok(Some((signed, unread)))
                    })
                    .await?
            }
            None => None,
        };
        let (user, session_id, unread) = match signed {
            Some((s, unread)) => (Some(s.user), Some(s.session_id), unread),
            None => (None, None, 0),
        };
        let accept = req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
        let lang_cookie = req.cookie(LANG_COOKIE);
        let lang = Lang::negotiate(
            user.as_ref().and_then(|u| u.locale.as_deref()),
            lang_cookie.as_ref().map(|c| c.value()),
            accept,
        );
        let csrf_nonce = req
            .extensions()
            .get::<FreshNonce>()
            .map(|n| n.0.clone())
            .or_else(|| req.cookie(CSRF_COOKIE).map(|c| c.value().to_owned()))
            .unwrap_or_default();
        let current_path = req.uri().path_and_query().map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
        let flash = req.cookie(super::flash::FLASH_COOKIE).and_then(|c| super::flash::Flash::parse(c.value()));
        let session = Session { user, lang, current_path, unread, flash, csrf_nonce, session_id };
        req.extensions_mut().insert(session.clone());
        Ok(session)
    }
}

impl FromRequest for Session {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Session::load(&req).await })
    }
}

/// A form body whose CSRF token has been checked against the session.
pub struct CsrfForm<T>(pub T);

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let body = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let session = Session::load(&req).await?;
            let state = state_of(&req)?;
            let bytes = body.await.map_err(|e| match e.as_response_error().status_code().as_u16() {
                413 => AppError(Error::PayloadTooLarge),
                _ => AppError(Error::BadRequest(e.to_string())),
            })?;
            let csrf: CsrfField =
                serde_urlencoded::from_bytes(&bytes).map_err(|e| AppError(Error::BadRequest(e.to_string())))?;
            session.check_csrf(&state.config.secret, &csrf.csrf)?;
            let value = serde_urlencoded::from_bytes(&bytes).map_err(|e| AppError(Error::BadRequest(e.to_string())))?;
            Ok(CsrfForm(value))
        })
    }
}

/// The API caller, from `Authorization: Bearer <token>`; 401 without one.
pub struct ApiUser(pub Signed);

impl ApiUser {
    pub fn user(&self) -> &User {
        &self.0.user
    }
}

/// The API caller if a valid token was sent.
pub struct MaybeApiUser(pub Option<Signed>);

impl MaybeApiUser {
    pub fn viewer(&self) -> Viewer {
        self.0.as_ref().map_or_else(Viewer::anonymous, |s| s.user.viewer())
    }
}

impl ApiUser {
    pub fn viewer(&self) -> Viewer {
        self.0.user.viewer()
    }
}

async fn bearer_user(req: &HttpRequest) -> Result<Option<Signed>, AppError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else { return Ok(None) };
    let token = value.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).ok_or(AppError(Error::Unauthenticated))?;
    let state = state_of(req)?;
    // A token that was sent but is no longer good is an error, not anonymity.
    signed_for_token(&state, token.trim()).await?.map(Some).ok_or(AppError(Error::Unauthenticated))
}

impl FromRequest for MaybeApiUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(MaybeApiUser(bearer_user(&req).await?)) })
    }
}

impl FromRequest for ApiUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { bearer_user(&req).await?.map(ApiUser).ok_or(AppError(Error::Unauthenticated)) })
    }
}

pub fn session_cookie(state: &AppState, token: &str, hours: i64) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token.to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies())
        .max_age(CookieDuration::hours(hours))
        .finish()
}

pub fn expired_session_cookie(state: &AppState) -> Cookie<'static> {
    let mut c = session_cookie(state, "", 0);
    c.make_removal();
    c
}

pub fn lang_cookie(state: &AppState, lang: Lang) -> Cookie<'static> {
    Cookie::build(LANG_COOKIE, lang.code())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies())
        .max_age(CookieDuration::days(365))
        .finish()
}

/// Gives every browser a random CSRF nonce cookie on its first page view.
pub async fn ensure_csrf_cookie(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let path = req.path();
    // Browsers only: not the API, assets or health checks.
    let needs =
        !is_api_path(path) && !path.starts_with("/assets/") && path != "/healthz" && req.cookie(CSRF_COOKIE).is_none();
    let fresh = needs.then(|| {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        hex::encode(bytes)
    });
    if let Some(nonce) = &fresh {
        req.extensions_mut().insert(FreshNonce(nonce.clone()));
    }
    let secure = req.app_data::<web::Data<AppState>>().is_some_and(|s| s.config.secure_cookies());
    let mut res = next.call(req).await?;
    if let Some(nonce) = fresh {
        let cookie = Cookie::build(CSRF_COOKIE, nonce)
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(secure)
            .finish();
        res.response_mut().add_cookie(&cookie).ok();
    }
    Ok(res)
}

/// The client's address as the throttles see it: the peer, or, when the
/// peer is a trusted proxy, the nearest address it forwarded for that is not
/// itself a trusted proxy (`X-Forwarded-For` is appended to left to right,
/// so the rightmost entries are the ones our proxies wrote).
pub fn client_address(req: &HttpRequest, config: &crate::config::Config) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else { return "unknown".to_owned() };
    if !config.trusted_proxies.contains(&peer) {
        return peer.to_string();
    }
    let forwarded: Vec<std::net::IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|part| part.trim().parse().ok())
        .collect();
    forwarded.into_iter().rev().find(|ip| !config.trusted_proxies.contains(ip)).unwrap_or(peer).to_string()
}
