//! Rendered pages for anonymous readers, reused across requests.
//!
//! Most page views are anonymous reads of public threads and boards. Their
//! HTML depends only on the content, the language and the URL, except for
//! the browser's CSRF token in forms; that is rendered as a hole and filled
//! in per response. Entries are keyed by the versions of the thread, board
//! and community (`version` columns bumped by every write), read from the
//! database on each request, so a write on any instance makes every
//! instance's copy unreachable: nothing here is state another instance needs.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};

use super::errors::WebResult;
use super::fragments::{FragmentCache, Weighed};
use super::session::Session;
use super::AppState;
use crate::threads::views::CacheStamp;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub struct PageCache {
    entries: FragmentCache<CachedPage>,
    hole: String,
}

pub struct CachedPage {
    /// The body split at each CSRF hole.
    parts: Vec<String>,
    content_type: &'static str,
}

impl PageCache {
    pub fn new(max_bytes: u64) -> PageCache {
        let entries = FragmentCache::new(max_bytes, "sala_page_cache_lookups_total");
        let mut random = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut random);
        PageCache { entries, hole: format!("csrf-hole-{}", hex::encode(random)) }
    }

    /// What to render in place of the CSRF token in a page meant for caching.
    pub fn hole(&self) -> &str {
        &self.hole
    }

    pub fn get(&self, key: &str) -> Option<Arc<CachedPage>> {
        self.entries.get(key)
    }

    /// Serves the rendering stored under `key`, or renders it (`render`
    /// runs only on a miss), stores it and serves it; `csrf` fills the holes.
    pub async fn serve(
        &self,
        req: &HttpRequest,
        key: &str,
        content_type: &'static str,
        csrf: &str,
        render: impl std::future::Future<Output = WebResult<String>>,
    ) -> WebResult<HttpResponse> {
        if let Some(hit) = self.get(key) {
            return Ok(hit.respond(req, key, csrf));
        }
        let body = render.await?;
        Ok(self.put(key.to_owned(), &body, content_type).respond(req, key, csrf))
    }

    pub fn put(&self, key: String, body: &str, content_type: &'static str) -> Arc<CachedPage> {
        self.entries.put(key, CachedPage { parts: body.split(&self.hole).map(str::to_owned).collect(), content_type })
    }
}

impl Weighed for CachedPage {
    fn weight(&self) -> usize {
        self.parts.iter().map(String::len).sum()
    }
}

impl CachedPage {
    /// The page for one browser: its CSRF token filled in, or 304 when the
    /// browser already has this very page.
    pub fn respond(&self, req: &HttpRequest, key: &str, csrf: &str) -> HttpResponse {
        let digest = Sha256::digest(format!("{key}\0{csrf}").as_bytes());
        let etag = format!("\"{}\"", hex::encode(&digest[..12]));
        let fresh = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str());
        let mut res = if fresh { HttpResponse::NotModified() } else { HttpResponse::Ok() };
        res.insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .insert_header((header::VARY, "Cookie, Accept-Language"));
        if fresh {
            return res.finish();
        }
        res.content_type(self.content_type).body(self.parts.join(csrf))
    }
}

/// The cache key for an anonymous reader of public content, or `None` when
/// the page must be rendered for this viewer alone.
pub fn anonymous_key(session: &Session, scope: &str, stamp: Option<CacheStamp>) -> Option<String> {
    let stamp = stamp.filter(|s| s.is_public)?;
    shared_page_key(session, scope, &stamp.key())
}

/// The key of a page that every anonymous reader shares, as of `stamp`;
/// `None` when this reader gets a rendering of their own.
pub fn shared_page_key(session: &Session, scope: &str, stamp: &str) -> Option<String> {
    session.reads_shared_pages().then(|| format!("{scope}|{}|{}|{stamp}", session.lang.code(), session.current_path))
}

/// A thread's stamp when its reader is anonymous (signed-in readers get
/// their own rendering, and need no lookup): what pages and the API both
/// key their cached renderings on.
pub async fn anonymous_thread_stamp(
    state: &AppState,
    anonymous: bool,
    thread_id: i64,
) -> WebResult<Option<CacheStamp>> {
    if !anonymous {
        return Ok(None);
    }
    Ok(state.db.run(move |conn| crate::threads::views::thread_stamp(conn, thread_id)).await?)
}
