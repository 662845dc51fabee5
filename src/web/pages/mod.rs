//! HTML pages. Each handler extracts, calls the domain, renders a template.

mod accounts;
mod communities;
mod knowledge;
mod mail;
mod search;
mod threads;

use std::collections::HashMap;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};

use super::errors::{field_messages, AppError};
use crate::error::Error;
use crate::i18n::Lang;

pub fn routes(cfg: &mut web::ServiceConfig) {
    accounts::routes(cfg);
    communities::routes(cfg);
    knowledge::routes(cfg);
    mail::routes(cfg);
    search::routes(cfg);
    threads::routes(cfg);
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

/// Only same-site paths may be redirect targets (no `//host` or `/\host`).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => n.to_owned(),
        _ => "/".to_owned(),
    }
}

/// A form submission the user can fix: the status to answer with and the
/// message for each field. Any other error is passed on to the error page.
pub fn form_failure(lang: Lang, err: Error) -> Result<(StatusCode, HashMap<String, String>), AppError> {
    match err {
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
