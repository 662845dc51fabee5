//! The web layer: thin handlers that extract, call the domain, and render.
//! `pages` serves HTML for browsers, `api` serves JSON under `/api/v1`.

pub mod api;
pub mod assets;
pub mod errors;
pub mod feeds;
pub mod flash;
pub mod fragments;
pub mod metrics;
pub mod middleware;
pub mod page_cache;
pub mod pages;
pub mod routes;
pub mod session;
pub mod uploads;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{from_fn, Compress};
use actix_web::{web, App, HttpRequest, HttpResponse};
use serde::{Deserialize, Deserializer};

use crate::config::Config;
use crate::db::Db;
use crate::error::Context as _;
use crate::error::Error;
use assets::Assets;
use errors::WebResult;
use session::Session;

pub struct AppState {
    pub db: Db,
    pub config: Config,
    pub templates: tera::Tera,
    pub assets: Assets,
    pub page_cache: page_cache::PageCache,
    /// Threads' posts rendered once for every reader (see `pages::thread_page`).
    pub thread_posts: fragments::FragmentCache<pages::thread_page::ThreadPosts>,
    /// Threads' JSON for signed-in readers (see `api::forum::get_thread`).
    pub thread_json: fragments::FragmentCache<api::forum::SharedThreadJson>,
    /// Boards' listings and the home page's lists for every reader (see
    /// `pages::communities`).
    pub listings: fragments::FragmentCache<String>,
    /// Where attached files' bytes are (local disk or S3).
    pub store: crate::files::store::Store,
    /// Markdown previews rendering at once: one per core, so previews can
    /// never take every thread the database work also runs on.
    preview_permits: tokio::sync::Semaphore,
}

/// The `/metrics` counter of the shared fragments' hits and misses.
const FRAGMENT_LOOKUPS: &str = "sala_fragment_cache_lookups_total";

impl AppState {
    pub fn new(db: Db, config: Config) -> Result<AppState, Error> {
        // Whole pages for anonymous readers, and threads' posts and JSON and
        // boards' listings for everyone, share the budget.
        let page_cache = page_cache::PageCache::new(config.page_cache_bytes / 2);
        let thread_posts = fragments::FragmentCache::new(config.page_cache_bytes / 4, FRAGMENT_LOOKUPS);
        let thread_json = fragments::FragmentCache::new(config.page_cache_bytes / 8, FRAGMENT_LOOKUPS);
        let listings = fragments::FragmentCache::new(config.page_cache_bytes / 8, FRAGMENT_LOOKUPS);
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let store = crate::files::store::Store::open(&config.files, &config.data_dir)?;
        // Built by older text rules: rebuilt in the background, searchable
        // meanwhile.
        if crate::search::rebuild::on_start(&mut *db.conn()?)? {
            crate::search::rebuild::spawn(db.clone());
        }
        Ok(AppState {
            db,
            store,
            config,
            templates: assets::load_templates()?,
            assets: Assets::load(),
            page_cache,
            thread_posts,
            thread_json,
            listings,
            preview_permits: tokio::sync::Semaphore::new(cores),
        })
    }

    pub fn mail_context(&self) -> crate::outbox::MailContext<'_> {
        crate::outbox::MailContext {
            base_url: &self.config.base_url,
            secret: &self.config.secret,
            templates: &self.templates,
            coalesce: chrono::Duration::minutes(self.config.notify_coalesce_minutes),
            invite_remind_after: chrono::Duration::days(self.config.invite_remind_days),
        }
    }

    /// Runs a write of `kind` by `viewer` within their per-minute limit
    /// (`throttle::count_write`), on the blocking pool like [`Db::run`].
    pub async fn limited_write<T, F>(
        &self,
        viewer: crate::authz::Viewer,
        kind: crate::throttle::Write,
        work: F,
    ) -> Result<T, Error>
    where
        F: FnOnce(&mut crate::db::AnyConnection) -> Result<T, Error> + Send + 'static,
        T: Send + 'static,
    {
        let limits = self.config.write_limits;
        self.db
            .run(move |conn| {
                crate::throttle::count_write(conn, viewer, kind, &limits)?;
                work(conn)
            })
            .await
    }

    /// A Markdown preview, for someone already allowed to write it: refused
    /// past the longest post (422 on `field`), rendered on the blocking pool
    /// and never more than one per core at once. Rendering itself is bounded
    /// (see `markdown`).
    pub async fn preview(&self, field: &str, markdown: String) -> Result<String, Error> {
        if markdown.chars().count() > crate::threads::MAX_BODY_CHARS {
            let limit = crate::threads::MAX_BODY_CHARS as i64;
            return Err(Error::Invalid(vec![crate::error::FieldError::with_limit(field, "error-too-long", limit)]));
        }
        let _permit = self.preview_permits.acquire().await.context("preview permits")?;
        web::block(move || crate::markdown::render(&markdown)).await.context("preview failed")
    }

    pub fn mail_settings(&self) -> crate::digests::mail::MailSettings {
        mail_settings(&self.config)
    }

    /// Renders a page with what every page needs: language, user, CSRF token
    /// and asset URLs.
    pub fn render(&self, session: &Session, template: &str, ctx: &mut tera::Context) -> WebResult<HttpResponse> {
        self.render_with_status(session, template, ctx, actix_web::http::StatusCode::OK)
    }

    pub fn render_with_status(
        &self,
        session: &Session,
        template: &str,
        ctx: &mut tera::Context,
        status: actix_web::http::StatusCode,
    ) -> WebResult<HttpResponse> {
        let html = self.render_html(session, template, ctx, &session.csrf_token(&self.config.secret))?;
        Ok(HttpResponse::build(status).content_type("text/html; charset=utf-8").body(html))
    }

    /// The page as a string, with `csrf` as the form token (the real one, or
    /// the page cache's hole).
    pub fn render_html(
        &self,
        session: &Session,
        template: &str,
        ctx: &mut tera::Context,
        csrf: &str,
    ) -> WebResult<String> {
        ctx.insert("lang", &session.lang);
        ctx.insert("user", &session.user);
        // Kept out of `user`'s serialisation so that no API answer shows it;
        // the settings page shows the owner their address.
        ctx.insert("user_email", &session.user.as_ref().map(|u| u.email.as_str()));
        ctx.insert("email_unconfirmed", &session.user.as_ref().is_some_and(|u| !u.email_confirmed()));
        ctx.insert("current_path", &session.current_path);
        ctx.insert("local_login", &self.config.local_login);
        ctx.insert("max_file_mb", &(self.config.files.max_file_bytes / (1024 * 1024)));
        ctx.insert("unread", &session.unread);
        ctx.insert("flash", &session.flash.map(flash::Flash::message_key));
        if !ctx.contains_key("errors") {
            ctx.insert("errors", &std::collections::HashMap::<String, String>::new());
        }
        ctx.insert("csrf", csrf);
        ctx.insert("assets", &self.assets.urls);
        self.render_fragment(template, ctx)
    }

    /// A part of a page, rendered with only what `ctx` holds.
    /// The page stored under `key` for anonymous readers, ready to send,
    /// if there is one (see [`Self::render_shared`]).
    pub fn cached_page(&self, req: &HttpRequest, session: &Session, key: Option<&str>) -> Option<HttpResponse> {
        let (key, hit) = key.and_then(|k| Some((k, self.page_cache.get(k)?)))?;
        Some(hit.respond(req, key, &session.csrf_token(&self.config.secret)))
    }

    /// Renders a page for this reader; with a `key` (see
    /// `page_cache::shared_page_key`), once for every anonymous reader:
    /// stored with holes for the CSRF token, filled in for this one.
    pub fn render_shared(
        &self,
        req: &HttpRequest,
        session: &Session,
        key: Option<String>,
        template: &str,
        ctx: &mut tera::Context,
    ) -> WebResult<HttpResponse> {
        let Some(key) = key else { return self.render(session, template, ctx) };
        let html = self.render_html(session, template, ctx, self.page_cache.hole())?;
        let csrf = session.csrf_token(&self.config.secret);
        Ok(self.page_cache.put(key.clone(), &html, "text/html; charset=utf-8").respond(req, &key, &csrf))
    }

    pub fn render_fragment(&self, template: &str, ctx: &tera::Context) -> WebResult<String> {
        Ok(self.templates.render(template, ctx).with_context(|| format!("cannot render {template}"))?)
    }
}

/// How many times a mail is tried (with backoff from 30 s, doubling: about
/// two hours in all) before it is recorded as failed.
const MAIL_ATTEMPTS: i32 = 8;

pub fn mail_settings(config: &Config) -> crate::digests::mail::MailSettings {
    let list_domain = config.mail_from.rsplit('@').next().unwrap_or("localhost").trim_end_matches('>').to_owned();
    crate::digests::mail::MailSettings {
        from: config.mail_from.clone(),
        list_domain,
        lease_secs: config.outbox_lease_secs,
        max_attempts: MAIL_ATTEMPTS,
    }
}

/// The whole application, as `sala serve` and the tests run it.
pub fn build_app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let limit = state.config.body_limit_bytes;
    App::new()
        .app_data(state)
        .app_data(web::JsonConfig::default().limit(limit).error_handler(errors::json_error))
        .app_data(web::FormConfig::default().limit(limit).error_handler(errors::form_error))
        .app_data(web::PayloadConfig::default().limit(limit))
        .app_data(web::QueryConfig::default().error_handler(errors::query_error))
        .app_data(web::PathConfig::default().error_handler(errors::path_error))
        .wrap(from_fn(middleware::refuse_control_characters))
        .wrap(from_fn(session::ensure_csrf_cookie))
        .wrap(from_fn(flash::clear_once_shown))
        .wrap(from_fn(errors::render_errors))
        .wrap(from_fn(middleware::security_headers))
        .wrap(Compress::default())
        .wrap(from_fn(middleware::head_as_get))
        .wrap(from_fn(metrics::record_requests))
        .wrap(tracing_actix_web::TracingLogger::default())
        .configure(|cfg| {
            routes::Routes::new(cfg, "").get("/healthz", healthz).get("/metrics", metrics::metrics);
        })
        .service(web::scope("/api/v1").configure(|cfg| api::routes(&mut routes::Routes::new(cfg, "/api/v1"))))
        .configure(|cfg| assets::routes(&mut routes::Routes::new(cfg, "")))
        .configure(|cfg| pages::routes(&mut routes::Routes::new(cfg, "")))
        .configure(|cfg| feeds::routes(&mut routes::Routes::new(cfg, "")))
        .default_service(web::to(errors::not_found))
}

/// 200 when the database takes a write and the disk has room; 503 saying
/// what is wrong otherwise (see `health`).
async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let st = state.clone();
    let report = web::block(move || {
        let storage = crate::health::Storage {
            sqlite_file: st.db.sqlite_file(),
            data_dir: &st.config.data_dir,
            min_free_bytes: st.config.min_free_bytes,
            directory: st.config.ldap.as_ref(),
            oidc: st.config.oidc.as_ref(),
        };
        crate::health::check(&st.db, &storage)
    })
    .await;
    match report {
        Ok(report) if report.problems.is_empty() => HttpResponse::Ok().json(report),
        Ok(report) => {
            tracing::error!(problems = ?report.problems, "health check failed");
            HttpResponse::ServiceUnavailable().json(report)
        }
        Err(e) => HttpResponse::ServiceUnavailable()
            .json(serde_json::json!({"status": "unavailable", "problems": [format!("health check failed: {e}")]})),
    }
}

/// Form fields that may be blank: `""` means absent.
pub fn blank_as_none<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    let raw: Option<String> = Option::deserialize(d)?;
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => s.parse().map(Some).map_err(serde::de::Error::custom),
    }
}

/// The highest page number a listing answers; past it every listing is
/// empty. Large enough for a million-post thread, small enough that no
/// offset computed from it can overflow.
pub const MAX_PAGE: usize = 1_000_000;

/// `?page=` on listings (and `root`, the subtree a thread page shows).
#[derive(Debug, Deserialize, Default)]
pub struct PageQuery {
    #[serde(default, deserialize_with = "page_number")]
    pub page: Option<usize>,
    #[serde(default, deserialize_with = "blank_as_none")]
    pub root: Option<i64>,
    /// The post the viewer just flagged (a thank-you beside it).
    #[serde(default, deserialize_with = "blank_as_none")]
    pub flagged: Option<i64>,
    /// The title the viewer was about to ask (see `pages::similar`).
    #[serde(default)]
    pub asked: Option<String>,
}

impl PageQuery {
    /// The page asked for, from 1 to [`MAX_PAGE`].
    pub fn page(&self) -> usize {
        self.page.unwrap_or(1).clamp(1, MAX_PAGE)
    }

    /// The part of a thread's tree this query asks for, laid out as configured.
    pub fn tree_window(&self, config: &Config) -> crate::threads::views::TreeWindow {
        crate::threads::views::TreeWindow {
            page: self.page(),
            page_size: config.page_size,
            max_depth: config.max_visible_depth,
            root: self.root,
        }
    }
}

/// A page number: digits, however many (past [`MAX_PAGE`] means the last
/// page there could be, not an error or an overflow); blank means absent.
fn page_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    let raw: Option<String> = Option::deserialize(d)?;
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(digits) if digits.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(Some(digits.parse::<usize>().unwrap_or(MAX_PAGE).min(MAX_PAGE)))
        }
        Some(other) => Err(serde::de::Error::custom(format!("page must be a whole number, not {other:?}"))),
    }
}
