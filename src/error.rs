//! The domain's error type. Every domain function returns [`Result`]; the web
//! layer maps each variant to an HTTP status and a translated message in one
//! place (`web::errors`).

use serde::Serialize;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One invalid input field. `code` is a translation key (see `locales/`);
/// `limit` fills in `{ $limit }` where the message names one.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub limit: Option<i64>,
}

impl FieldError {
    pub fn new(field: &str, code: &'static str) -> Self {
        FieldError { field: field.to_owned(), code, limit: None }
    }
    pub fn with_limit(field: &str, code: &'static str, limit: i64) -> Self {
        FieldError { field: field.to_owned(), code, limit: Some(limit) }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    #[error("authentication required")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    #[error("the form's security token is missing or out of date")]
    CsrfRejected,
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    /// A unique value (username, email, slug …) is already taken; names the field.
    #[error("{0} is already taken")]
    Conflict(&'static str),
    #[error("the thread is locked")]
    ThreadLocked,
    /// A rule of the domain forbids this now (not a permission problem);
    /// the code is the translation key of the explanation.
    #[error("refused: {0}")]
    Refused(&'static str),
    #[error("wrong username or password")]
    BadCredentials,
    #[error("too many failed attempts; retry after {retry_after_secs}s")]
    TooManyAttempts { retry_after_secs: i64 },
    #[error("malformed request: {0}")]
    BadRequest(String),
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("database error: {0}")]
    Database(diesel::result::Error),
    #[error("database connection error: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(field: &str, code: &'static str) -> Self {
        Error::Invalid(vec![FieldError::new(field, code)])
    }
}

impl From<diesel::result::Error> for Error {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => Error::NotFound,
            other => Error::Database(other),
        }
    }
}

/// Collects field errors so a form can report all of them at once.
#[derive(Default)]
pub struct Validator(Vec<FieldError>);

impl Validator {
    pub fn check(&mut self, ok: bool, err: FieldError) -> &mut Self {
        if !ok {
            self.0.push(err);
        }
        self
    }

    /// Required, trimmed text of at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> &mut Self {
        let len = value.trim().chars().count();
        if len == 0 {
            self.0.push(FieldError::new(field, "error-required"));
        } else if len > max {
            self.0.push(FieldError::with_limit(field, "error-too-long", max as i64));
        }
        self
    }

    pub fn finish(&mut self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(std::mem::take(&mut self.0)))
        }
    }
}
