//! HTML pages. Each handler extracts, calls the domain, renders a template.

mod accounts;
mod answer_invitations;
mod api_docs;
mod communities;
pub mod files;
mod insights;
mod invitations;
mod km_plans;
mod knowledge;
mod mail;
mod moderation;
mod privacy;
mod search;
mod search_words;
mod similar;
mod sso;
mod tags;
pub mod thread_page;
mod threads;
mod watches;

use std::collections::HashMap;

use actix_web::http::{header, StatusCode};
use actix_web::HttpResponse;

use super::errors::{field_messages, AppError};
use crate::error::Error;
use crate::i18n::Lang;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    accounts::routes(cfg);
    answer_invitations::routes(cfg);
    api_docs::routes(cfg);
    communities::routes(cfg);
    files::routes(cfg);
    insights::routes(cfg);
    invitations::routes(cfg);
    knowledge::routes(cfg);
    mail::routes(cfg);
    moderation::routes(cfg);
    privacy::routes(cfg);
    search::routes(cfg);
    km_plans::routes(cfg);
    search_words::routes(cfg);
    similar::routes(cfg);
    sso::routes(cfg);
    tags::routes(cfg);
    threads::routes(cfg);
    watches::routes(cfg);
}

/// A form with nothing but its CSRF token (a button that does one thing).
#[derive(serde::Deserialize)]
pub struct CsrfOnly {}

/// A on/off button's form: `value` "1" sets, anything else clears.
#[derive(serde::Deserialize)]
pub struct ToggleForm {
    pub value: String,
}

impl ToggleForm {
    pub fn on(&self) -> bool {
        self.value == "1"
    }
}

pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, location.to_owned())).finish()
}

/// Where to go after a form (`next`, return-to): a same-site path as given,
/// or `/` for anything else.
pub fn safe_next(next: Option<&str>) -> String {
    next.filter(|target| is_same_site_path(target)).unwrap_or("/").to_owned()
}

/// A path on this site, and only that, however a browser might read it:
/// visible ASCII (what a `Location` header may carry), starting with one `/`,
/// and no `\` or control character, nor `//` at the start, even once
/// percent-decoded (browsers treat `/\host` and `/%2F/host` like `//host`).
fn is_same_site_path(target: &str) -> bool {
    const MAX_LEN: usize = 2048;
    let visible_ascii = target.bytes().all(|b| (0x21..0x7f).contains(&b));
    if !visible_ascii || target.len() > MAX_LEN {
        return false;
    }
    let mut text = std::borrow::Cow::Borrowed(target.as_bytes());
    // Decode until nothing changes: double encoding (`%252F`) unwraps too.
    for _ in 0..4 {
        if !text.starts_with(b"/")
            || text.starts_with(b"//")
            || text.iter().any(|&b| b == b'\\' || b < 0x20 || b == 0x7f)
        {
            return false;
        }
        let decoded: Vec<u8> = percent_encoding::percent_decode(&text).collect();
        if decoded == *text {
            return true;
        }
        text = std::borrow::Cow::Owned(decoded);
    }
    false
}

/// A form submission the user can fix: the status to answer with and the
/// message for each field. Any other error is passed on to the error page.
/// Being too quick, or storage that cannot take the write, is said beside
/// the text (`body`), so the form comes back with what was typed instead of
/// an error page that loses it.
/// A form that carries nothing but its CSRF token (a button that acts).
#[derive(serde::Deserialize)]
pub struct EmptyForm {}

pub fn form_failure(lang: Lang, err: Error) -> Result<(StatusCode, HashMap<String, String>), AppError> {
    match err {
        Error::StorageUnavailable(reason) => {
            tracing::error!(%reason, "a form could not be saved");
            Ok((
                StatusCode::SERVICE_UNAVAILABLE,
                HashMap::from([("body".to_owned(), lang.t("error-storage-unavailable"))]),
            ))
        }
        Error::RateLimited { .. } | Error::NewMemberLimited { .. } => {
            let error = AppError(err);
            let message = super::errors::problem_detail(lang, &error);
            Ok((StatusCode::TOO_MANY_REQUESTS, HashMap::from([("body".to_owned(), message)])))
        }
        Error::Invalid(list) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            field_messages(lang, &list).into_iter().map(|m| (m.field, m.message)).collect(),
        )),
        Error::Conflict(field) => {
            let message = lang.t_args("error-conflict", &[("field", lang.t(&format!("field-{field}")).into())]);
            Ok((StatusCode::CONFLICT, HashMap::from([(field.to_owned(), message)])))
        }
        other => Err(AppError(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn redirect_targets_stay_on_this_site() {
        for good in ["/", "/c/km?page=2#p4", "/search?q=%E0%B8%81", "/t/1"] {
            assert_eq!(safe_next(Some(good)), good, "{good}");
        }
        let bad = [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "%2F%2Fevil.example",
            "/%5Cevil.example",
            "/%255C%255Cevil.example",
            "/%09/evil.example",
            "/x%0d%0aSet-Cookie:%20a=b",
            "/x\r\nSet-Cookie: a=b",
            "/ok path",
            "/ก",
            "javascript:alert(1)",
            "",
        ];
        for target in bad {
            assert_eq!(safe_next(Some(target)), "/", "{target:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
