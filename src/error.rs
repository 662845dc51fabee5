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
    /// Doing something (posting, signing up) faster than the limit allows.
    #[error("too many requests; retry after {retry_after_secs}s")]
    RateLimited { retry_after_secs: i64 },
    /// An admin suspended the account (until a time, or until lifted).
    #[error("the account is suspended: {reason}")]
    Suspended { reason: String, until: Option<chrono::NaiveDateTime> },
    /// Posting too often for a new account.
    #[error("new accounts post at most {per_hour} times an hour; retry after {retry_after_secs}s")]
    NewMemberLimited { retry_after_secs: i64, per_hour: i32 },
    /// A facilitator muted the member in this community for now.
    #[error("muted in this community")]
    Muted,
    /// The account's address is not confirmed yet, and this needs it.
    #[error("the email address is not confirmed yet")]
    EmailUnconfirmed,
    #[error("malformed request: {0}")]
    BadRequest(String),
    #[error("request body too large")]
    PayloadTooLarge,
    /// A file over the size limit (`SALA_MAX_FILE_MB`).
    #[error("the file is larger than {limit_mb} MB")]
    FileTooLarge { limit_mb: i64 },
    /// Uploads over the account's allowance for a day (`SALA_UPLOAD_MB_PER_DAY`).
    #[error("over the upload allowance of {limit_mb} MB a day")]
    UploadQuotaExceeded { limit_mb: i64 },
    #[error("database error: {0}")]
    Database(diesel::result::Error),
    /// The database cannot take writes (read-only, disk full) or cannot be
    /// reached: nothing was saved, and trying again later may work.
    #[error("storage unavailable: {0}")]
    StorageUnavailable(String),
    /// The organisation's sign-in (its directory or identity provider)
    /// does not answer, or refuses Sala's own credentials.
    #[error("sign-in service unavailable: {0}")]
    SignInUnavailable(String),
    #[error("database connection error: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    /// Something went wrong inside Sala or below it: `context` says what Sala
    /// was doing, `source` why. Logged with the whole chain of causes.
    #[error("{context}")]
    Internal {
        context: String,
        #[source]
        source: Option<BoxError>,
    },
    /// A mistake in the settings or on the command line: the message says
    /// what to fix, for the operator.
    #[error("{0}")]
    Setup(String),
}

/// Any error, as the cause of an [`Error::Internal`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

impl Error {
    pub fn invalid(field: &str, code: &'static str) -> Self {
        Error::Invalid(vec![FieldError::new(field, code)])
    }

    /// An internal error with no underlying cause (a broken invariant).
    pub fn internal(context: impl Into<String>) -> Self {
        Error::Internal { context: context.into(), source: None }
    }

    /// An operator's mistake, and what to do about it.
    pub fn setup(message: impl Into<String>) -> Self {
        Error::Setup(message.into())
    }
}

/// Keeps an error's cause while saying what Sala was doing, as zero2prod's
/// `anyhow::Context` does: `fs::write(…).with_context(|| format!("cannot write {path}"))?`.
pub trait Context<T> {
    fn context(self, context: &str) -> Result<T>;
    fn with_context(self, context: impl FnOnce() -> String) -> Result<T>;
}

impl<T, E: std::error::Error + Send + Sync + 'static> Context<T> for std::result::Result<T, E> {
    fn context(self, context: &str) -> Result<T> {
        self.map_err(|e| Error::Internal { context: context.to_owned(), source: Some(Box::new(e)) })
    }
    fn with_context(self, context: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| Error::Internal { context: context(), source: Some(Box::new(e)) })
    }
}

/// An error and its causes, one line: "context: cause: cause's cause".
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        text.push_str(": ");
        text.push_str(&e.to_string());
        cause = e.source();
    }
    text
}

impl From<diesel::result::Error> for Error {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => Error::NotFound,
            diesel::result::Error::DatabaseError(kind, ref info) => match storage_problem(kind, info.message()) {
                Some(reason) => Error::StorageUnavailable(reason.to_owned()),
                None => Error::Database(e),
            },
            diesel::result::Error::BrokenTransactionManager => {
                Error::StorageUnavailable("the database connection was lost".to_owned())
            }
            other => Error::Database(other),
        }
    }
}

/// Names what is wrong with the storage when a database error says so: the
/// same words for SQLite's and PostgreSQL's ways of saying it.
pub fn storage_problem(kind: diesel::result::DatabaseErrorKind, message: &str) -> Option<&'static str> {
    use diesel::result::DatabaseErrorKind as Kind;
    let message = message.to_ascii_lowercase();
    if matches!(kind, Kind::ReadOnlyTransaction)
        || message.contains("readonly database")
        || message.contains("read-only transaction")
    {
        Some("the database is read-only")
    } else if message.contains("disk is full")
        || message.contains("no space left")
        || message.contains("could not extend file")
    {
        Some("the disk is full")
    } else if message.contains("disk i/o error") {
        Some("the disk reported an I/O error")
    } else if matches!(kind, Kind::ClosedConnection | Kind::UnableToSendCommand) {
        Some("the database connection was lost")
    } else {
        None
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

    /// Required, trimmed text of at most `max` characters; line breaks and
    /// tabs allowed, other control characters not.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> &mut Self {
        let len = value.trim().chars().count();
        if len == 0 {
            self.0.push(FieldError::new(field, "error-required"));
        } else if len > max {
            self.0.push(FieldError::with_limit(field, "error-too-long", max as i64));
        } else if has_control(value, Lines::Allowed) {
            self.0.push(FieldError::new(field, "error-control-characters"));
        }
        self
    }

    /// Like [`Validator::text`], but may be empty.
    pub fn optional_text(&mut self, field: &str, value: &str, max: usize) -> &mut Self {
        if value.trim().is_empty() {
            return self;
        }
        self.text(field, value, max)
    }

    /// A required one-line text shown beside other people's words (a name, a
    /// title): no control characters at all, and no bidirectional overrides
    /// or isolates, which could make it read as something else.
    pub fn line(&mut self, field: &str, value: &str, max: usize) -> &mut Self {
        let before = self.0.len();
        self.text(field, value, max);
        if self.0.len() == before && (has_control(value, Lines::Refused) || has_bidi_override(value)) {
            self.0.push(FieldError::new(field, "error-control-characters"));
        }
        self
    }

    /// Refuses control characters in a value that is not otherwise checked
    /// (a login name, a search filter): databases differ on what they do
    /// with NUL, and none of them belongs in text people type.
    pub fn plain(&mut self, field: &str, value: &str) -> &mut Self {
        self.check(!has_control(value, Lines::Refused), FieldError::new(field, "error-control-characters"))
    }

    pub fn finish(&mut self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(std::mem::take(&mut self.0)))
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lines {
    Allowed,
    Refused,
}

/// C0 and C1 control characters and DEL; tab and line breaks only when
/// `lines` allows them.
fn has_control(value: &str, lines: Lines) -> bool {
    value.chars().any(|c| c.is_control() && !(lines == Lines::Allowed && matches!(c, '\t' | '\n' | '\r')))
}

/// Explicit embeddings, overrides and isolates (U+202A–U+202E,
/// U+2066–U+2069): they reorder the text around them.
fn has_bidi_override(value: &str) -> bool {
    value.chars().any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
}

/// True when `value` holds a control character no text field accepts.
pub fn has_control_characters(value: &str) -> bool {
    has_control(value, Lines::Refused)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(v: &mut Validator) -> Vec<&'static str> {
        match v.finish() {
            Err(Error::Invalid(list)) => list.into_iter().map(|e| e.code).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn an_internal_error_keeps_its_cause_and_a_setup_error_speaks_to_the_operator() {
        let io: std::result::Result<(), std::io::Error> =
            Err(std::io::Error::new(std::io::ErrorKind::PermissionDenied, "permission denied"));
        let error = io.context("cannot write data/secret.key").unwrap_err();
        assert!(matches!(&error, Error::Internal { source: Some(_), .. }));
        assert_eq!(chain(&error), "cannot write data/secret.key: permission denied");
        assert_eq!(
            Error::setup("SALA_PAGE_SIZE must be a whole number").to_string(),
            "SALA_PAGE_SIZE must be a whole number"
        );
    }

    #[test]
    fn control_characters_and_bidi_overrides_are_refused() {
        let mut v = Validator::default();
        v.text("body", "บรรทัดแรก\nบรรทัดสอง\tแท็บ", 100).line("title", "ชื่อเรื่อง ไทย", 100);
        assert!(codes(&mut v).is_empty());
        for bad in ["a\0b", "a\u{7}b", "a\u{85}b", "a\u{7f}b"] {
            let mut v = Validator::default();
            v.text("body", bad, 100);
            assert_eq!(codes(&mut v), vec!["error-control-characters"], "{bad:?}");
        }
        for bad in ["admin\u{202E}nimda", "x\u{2066}y", "two\nlines"] {
            let mut v = Validator::default();
            v.line("display_name", bad, 100);
            assert_eq!(codes(&mut v), vec!["error-control-characters"], "{bad:?}");
        }
    }
}
