//! Where domain errors become HTTP: the status for each variant, and the
//! body — `application/problem+json` under `/api`, an HTML page elsewhere —
//! rendered by the [`render_errors`] middleware for every error response,
//! including the framework's own (bad JSON, body too large, no such route).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use serde::Serialize;

use super::AppState;
use crate::error::{Error, FieldError};
use crate::i18n::Lang;

/// The web layer's error: a domain error on its way to becoming a response.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct AppError(#[from] pub Error);

pub type WebResult<T> = Result<T, AppError>;

impl AppError {
    /// The translation key of the message a person reads.
    fn message_key(&self) -> &'static str {
        match &self.0 {
            Error::NotFound => "error-not-found",
            Error::Unauthenticated => "error-unauthenticated",
            Error::Forbidden => "error-forbidden",
            Error::CsrfRejected => "error-csrf",
            Error::Invalid(_) => "error-invalid",
            Error::Conflict(_) => "error-conflict",
            Error::ThreadLocked => "error-thread-locked",
            Error::Refused(code) => code,
            Error::BadCredentials => "error-bad-credentials",
            Error::TooManyAttempts { .. } => "error-too-many-attempts",
            Error::RateLimited { .. } => "error-rate-limited",
            Error::EmailUnconfirmed => "error-email-unconfirmed",
            Error::Muted => "error-muted",
            Error::Suspended { until: Some(_), .. } => "error-suspended-until",
            Error::Suspended { until: None, .. } => "error-suspended",
            Error::NewMemberLimited { .. } => "error-new-member-limited",
            Error::BadRequest(_) => "error-bad-request",
            Error::PayloadTooLarge => "error-payload-too-large",
            Error::FileTooLarge { .. } => "error-file-too-large",
            Error::UploadQuotaExceeded { .. } => "error-upload-quota",
            Error::StorageUnavailable(_) | Error::Pool(_) => "error-storage-unavailable",
            Error::SignInUnavailable(_) => "error-sign-in-unavailable",
            Error::Database(_) | Error::Internal { .. } | Error::Setup(_) => "error-internal",
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match &self.0 {
            Error::NotFound => StatusCode::NOT_FOUND,
            Error::Unauthenticated | Error::BadCredentials => StatusCode::UNAUTHORIZED,
            Error::Forbidden
            | Error::CsrfRejected
            | Error::EmailUnconfirmed
            | Error::Muted
            | Error::Suspended { .. } => StatusCode::FORBIDDEN,
            Error::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Conflict(_) | Error::ThreadLocked | Error::Refused(_) => StatusCode::CONFLICT,
            Error::TooManyAttempts { .. } | Error::RateLimited { .. } | Error::NewMemberLimited { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::PayloadTooLarge | Error::FileTooLarge { .. } | Error::UploadQuotaExceeded { .. } => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            Error::StorageUnavailable(_) | Error::Pool(_) | Error::SignInUnavailable(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Error::Database(_) | Error::Internal { .. } | Error::Setup(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A bare response; [`render_errors`] gives it its body.
    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        if let Error::TooManyAttempts { retry_after_secs }
        | Error::RateLimited { retry_after_secs }
        | Error::NewMemberLimited { retry_after_secs, .. } = self.0
        {
            res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        if let Error::StorageUnavailable(_) | Error::Pool(_) = self.0 {
            res.insert_header((header::RETRY_AFTER, "30"));
        }
        res.finish()
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        AppError(e.into())
    }
}

/// What is wrong with one field of the input.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FieldMessage {
    /// The field's name, as sent.
    pub field: String,
    /// A stable code for programs, such as `error-required`.
    pub code: &'static str,
    /// The sentence a person reads, in the caller's language.
    pub message: String,
}

pub fn field_messages(lang: Lang, errors: &[FieldError]) -> Vec<FieldMessage> {
    errors
        .iter()
        .map(|e| FieldMessage {
            field: e.field.clone(),
            code: e.code,
            message: match e.limit {
                Some(limit) => lang.t_args(e.code, &[("limit", limit.into())]),
                None => lang.t(e.code),
            },
        })
        .collect()
}

/// An error, as RFC 9457 `application/problem+json`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem; stable for programs.
    #[serde(rename = "type")]
    kind: String,
    /// The HTTP status's name.
    title: String,
    status: u16,
    /// What went wrong, in the caller's language (`Accept-Language`).
    detail: String,
    /// For invalid input: what is wrong with each field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<FieldMessage>,
}

/// The sentence a person reads for an error (a problem's `detail`).
pub fn problem_detail(lang: Lang, err: &AppError) -> String {
    detail(lang, err)
}

fn detail(lang: Lang, err: &AppError) -> String {
    match &err.0 {
        Error::Conflict(field) => lang.t_args("error-conflict", &[("field", lang.t(&format!("field-{field}")).into())]),
        Error::TooManyAttempts { retry_after_secs } => {
            lang.t_args("error-too-many-attempts", &[("minutes", ((retry_after_secs + 59) / 60).into())])
        }
        Error::RateLimited { retry_after_secs } => {
            lang.t_args("error-rate-limited", &[("seconds", (*retry_after_secs).into())])
        }
        Error::NewMemberLimited { retry_after_secs, per_hour } => lang.t_args(
            "error-new-member-limited",
            &[("count", (*per_hour).into()), ("minutes", ((retry_after_secs + 59) / 60).into())],
        ),
        Error::FileTooLarge { limit_mb } | Error::UploadQuotaExceeded { limit_mb } => {
            lang.t_args(err.message_key(), &[("limit", (*limit_mb).into())])
        }
        Error::Suspended { reason, until } => lang.t_args(
            err.message_key(),
            &[("reason", reason.clone().into()), ("until", until.map(|u| lang.datetime(u)).unwrap_or_default().into())],
        ),
        _ => lang.t(err.message_key()),
    }
}

fn problem_body(lang: Lang, status: StatusCode, err: Option<&AppError>) -> Problem {
    let (key, detail, errors) = match err {
        Some(e) => {
            let fields = match &e.0 {
                Error::Invalid(list) => field_messages(lang, list),
                Error::Conflict(field) => {
                    vec![FieldMessage { field: (*field).to_owned(), code: "error-conflict", message: detail(lang, e) }]
                }
                _ => Vec::new(),
            };
            (e.message_key(), detail(lang, e), fields)
        }
        None => {
            let key = status_key(status);
            (key, lang.t(key), Vec::new())
        }
    };
    Problem {
        kind: format!("https://sala.example/problems/{}", key.trim_start_matches("error-")),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail,
        errors,
    }
}

fn status_key(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "error-bad-request",
        401 => "error-unauthenticated",
        403 => "error-forbidden",
        404 => "error-not-found",
        405 => "error-method-not-allowed",
        413 => "error-payload-too-large",
        415 => "error-unsupported-media-type",
        429 => "error-too-many-attempts",
        503 => "error-storage-unavailable",
        _ => "error-internal",
    }
}

pub fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Language for error pages, without a database round trip.
pub fn request_lang(req: &HttpRequest) -> Lang {
    let cookie = req.cookie(super::session::LANG_COOKIE);
    let accept = req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    Lang::negotiate(None, cookie.as_ref().map(|c| c.value()), accept)
}

/// Gives every error response its body. Handlers and extractors only say
/// *what* went wrong; this decides how it looks.
pub async fn render_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // Handlers' and extractors' errors arrive here as responses that carry
    // the error; an `Err` only comes from the framework itself, and is
    // passed on as it is.
    let res = next.call(req).await?.map_into_boxed_body();
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return Ok(res);
    }
    let (http_req, res) = res.into_parts();
    let app_error = res.error().and_then(|e| e.as_error::<AppError>());
    let has_body = !matches!(res.body().size(), actix_web::body::BodySize::None | actix_web::body::BodySize::Sized(0));
    if res.error().is_none() && has_body {
        // A handler that answered with its own page (a form shown again
        // with its errors, say) keeps it.
        return Ok(ServiceResponse::new(http_req, res));
    }
    if let Some(AppError(
        e @ (Error::Database(_)
        | Error::Pool(_)
        | Error::Internal { .. }
        | Error::Setup(_)
        | Error::StorageUnavailable(_)),
    )) = app_error
    {
        tracing::error!(error = %crate::error::chain(e), path = http_req.path(), "request failed");
    }
    let lang = request_lang(&http_req);
    let headers = res.headers().clone();
    let mut builder = HttpResponse::build(status);
    for (name, value) in headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            builder.append_header((name.clone(), value.clone()));
        }
    }
    let new_res = if is_api_path(http_req.path()) {
        let body = problem_body(lang, status, app_error);
        builder
            .content_type("application/problem+json")
            .body(serde_json::to_string(&body).unwrap_or_else(|_| "{}".to_owned()))
    } else if matches!(app_error, Some(AppError(Error::Unauthenticated))) {
        let next_path = http_req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
        let location = format!("/login?next={}", urlencode(next_path));
        HttpResponse::SeeOther().insert_header((header::LOCATION, location)).finish()
    } else {
        let body = problem_body(lang, status, app_error);
        let html = http_req
            .app_data::<web::Data<AppState>>()
            .and_then(|state| {
                let mut ctx = tera::Context::new();
                ctx.insert("lang", &lang);
                ctx.insert("status", &status.as_u16());
                ctx.insert("message", &body.detail);
                let labelled: Vec<LabelledField> = body
                    .errors
                    .iter()
                    .map(|e| LabelledField {
                        label: lang.try_t(&format!("field-{}", e.field)).unwrap_or_else(|| e.field.clone()),
                        message: e.message.clone(),
                    })
                    .collect();
                ctx.insert("errors", &labelled);
                ctx.insert("back", &same_site_referer(&http_req, &state.config.base_url));
                ctx.insert("assets", &state.assets.urls);
                ctx.insert("user", &Option::<()>::None);
                ctx.insert("csrf", "");
                state.templates.render("error.html", &ctx).ok()
            })
            .unwrap_or_else(|| format!("<!doctype html><title>{0}</title><h1>{0}</h1>", status.as_u16()));
        builder.content_type("text/html; charset=utf-8").body(html)
    };
    Ok(ServiceResponse::new(http_req, new_res))
}

/// A field's error as the HTML error page lists it.
#[derive(Serialize)]
struct LabelledField {
    label: String,
    message: String,
}

/// The page a failed form came from, when it is one of Sala's: the error
/// page links back to it (the browser keeps what was typed there).
fn same_site_referer(req: &actix_web::HttpRequest, base_url: &str) -> Option<String> {
    let referer = req.headers().get(header::REFERER)?.to_str().ok()?;
    let path = referer.strip_prefix(base_url.trim_end_matches('/'))?;
    (path.starts_with('/') && !path.starts_with("//") && req.method() == actix_web::http::Method::POST)
        .then(|| path.to_owned())
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).map(|v| v[1..].to_owned()).unwrap_or_default()
}

/// Extractor failures (malformed JSON or form, wrong content type, body over
/// the limit) become domain errors so they render like every other error.
pub fn json_error(err: actix_web::error::JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as J;
    let e = match err {
        J::OverflowKnownLength { .. } | J::Overflow { .. } => Error::PayloadTooLarge,
        J::Payload(actix_web::error::PayloadError::Overflow) => Error::PayloadTooLarge,
        J::ContentType => Error::BadRequest("expected Content-Type: application/json".into()),
        other => Error::BadRequest(other.to_string()),
    };
    AppError(e).into()
}

pub fn form_error(err: actix_web::error::UrlencodedError, _req: &HttpRequest) -> actix_web::Error {
    use actix_web::error::UrlencodedError as U;
    let e = match err {
        U::Overflow { .. } => Error::PayloadTooLarge,
        other => Error::BadRequest(other.to_string()),
    };
    AppError(e).into()
}

pub fn query_error(err: actix_web::error::QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    AppError(Error::BadRequest(err.to_string())).into()
}

pub fn path_error(_err: actix_web::error::PathError, _req: &HttpRequest) -> actix_web::Error {
    AppError(Error::NotFound).into()
}

/// No route matched: 405 with `Allow` when the path exists for other
/// methods, 404 otherwise.
pub async fn not_found(req: HttpRequest) -> WebResult<HttpResponse> {
    let allowed = super::routes::allowed_methods(req.path());
    if allowed.is_empty() {
        return Err(AppError(Error::NotFound));
    }
    Ok(HttpResponse::MethodNotAllowed().insert_header((header::ALLOW, allowed.join(", "))).finish())
}
