//! What every request passes through besides routing: security headers,
//! HEAD answered as GET, and control characters refused at the door.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web;

use super::errors::AppError;
use super::session::SESSION_COOKIE;
use super::AppState;
use crate::error::{has_control_characters, Error};

/// Only Sala's own scripts and styles run; no inline script or style, no
/// plugins, no framing. Pictures come from Sala too (attachments; pictures
/// linked from elsewhere become links), so a page tells no other host who
/// reads it.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// Responses that may hold one person's data are never stored by browsers
/// or proxies.
pub const PRIVATE_NO_STORE: &str = "private, no-store";

/// Adds the security headers, and marks every response to a signed-in
/// request (session cookie or bearer token) as private and not to be stored.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let signed_in = req.cookie(SESSION_COOKIE).is_some_and(|c| !c.value().is_empty())
        || req.headers().contains_key(header::AUTHORIZATION);
    let is_asset = req.path().starts_with("/assets/");
    // Attached files say themselves how long they may be kept (they never
    // change) and carry their own, stricter policy.
    let is_file = req.path().starts_with("/files/");
    let https = req.app_data::<web::Data<AppState>>().is_some_and(|s| s.config.secure_cookies());
    let mut res = next.call(req).await?;
    let sets_session = res.response().cookies().any(|c| c.name() == SESSION_COOKIE);
    let headers = res.headers_mut();
    if !(is_file && headers.contains_key(header::CONTENT_SECURITY_POLICY)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    }
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    if https {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    if (signed_in || sets_session) && !is_asset && !(is_file && headers.contains_key(header::CACHE_CONTROL)) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(PRIVATE_NO_STORE));
    }
    Ok(res)
}

/// Answers HEAD as GET would, without the body (health checks and link
/// checkers use it). The HTTP/1 codec already knows the request was HEAD and
/// sends headers only, with the GET body's length.
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}

/// A control character (NUL above all) in the path or the query string is
/// refused before any handler sees it: 404 for a path, 422 naming the
/// parameter for a query. PostgreSQL rejects NUL in text while SQLite stores
/// it, so letting it through gave one backend a 500 and the other a match.
pub async fn refuse_control_characters(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let decoded_path: Vec<u8> = percent_encoding::percent_decode_str(req.path()).collect();
    let refusal = if decoded_path.iter().any(|&b| b < 0x20 || b == 0x7f) {
        Some(Error::NotFound)
    } else {
        serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string())
            .unwrap_or_default()
            .into_iter()
            .find(|(key, value)| has_control_characters(key) || has_control_characters(value))
            .map(|(key, _)| Error::invalid(&key, "error-control-characters"))
    };
    match refusal {
        Some(error) => Ok(req.error_response(AppError(error)).map_into_right_body()),
        None => Ok(next.call(req).await?.map_into_left_body()),
    }
}
