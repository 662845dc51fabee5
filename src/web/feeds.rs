//! Atom feeds (RFC 4287) for feed readers, intranet portals and chat
//! connectors: a community's new threads, a board's, a community's knowledge
//! base, and the knowledge under a tag.
//!
//! A feed reader sends no cookies, so a feed shows what an anonymous reader
//! sees, or, with `?key=` (the account's `feed_token`), what that account
//! sees: that is how a private community's feed is read. A wrong key is
//! "not found", as a private community is to outsiders.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use atom_syndication::{Entry, Feed, FixedDateTime, Link, Person, Text};
use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::accounts;
use crate::authz::Viewer;
use crate::communities;
use crate::error::Error;
use crate::knowledge::views::{self as knowledge_views, ListFilter};
use crate::threads::views::{self as thread_views, ThreadRow};
use crate::web::errors::{AppError, WebResult};
use crate::web::AppState;

/// Entries a feed carries: the newest.
const FEED_ENTRIES: i64 = 30;

pub const ATOM: &str = "application/atom+xml; charset=utf-8";

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/c/{slug}/feed.atom", community_feed)
        .get("/c/{slug}/b/{board}/feed.atom", board_feed)
        .get("/c/{slug}/knowledge/feed.atom", knowledge_feed)
        .get("/knowledge/tags/{tag}/feed.atom", tag_feed);
}

#[derive(Deserialize)]
struct KeyQuery {
    key: Option<String>,
}

/// Who reads a feed: anonymous, or the account whose key is given.
struct Reader {
    viewer: Viewer,
    /// The feed is that account's own view: private, never stored.
    keyed: bool,
}

async fn reader(state: &AppState, q: KeyQuery) -> WebResult<Reader> {
    let Some(key) = q.key.filter(|k| !k.is_empty()) else {
        return Ok(Reader { viewer: Viewer::anonymous(), keyed: false });
    };
    match state.db.run(move |conn| accounts::by_feed_token(conn, &key)).await {
        Ok(user) => Ok(Reader { viewer: user.viewer(), keyed: true }),
        Err(Error::NotFound) => Err(AppError(Error::NotFound)),
        Err(e) => Err(e.into()),
    }
}

fn when(utc: NaiveDateTime) -> FixedDateTime {
    utc.and_utc().fixed_offset()
}

/// A feed of `entries` about the page at `page_url`.
fn feed(state: &AppState, title: String, page_url: String, self_path: &str, entries: Vec<Entry>) -> Feed {
    let updated =
        entries.iter().map(|e| e.updated).max().unwrap_or_else(|| chrono::DateTime::UNIX_EPOCH.fixed_offset());
    Feed {
        title: Text::plain(title),
        id: page_url.clone(),
        updated,
        links: vec![
            Link { href: page_url, rel: "alternate".into(), mime_type: Some("text/html".into()), ..Default::default() },
            Link {
                href: format!("{}{self_path}", state.config.base_url),
                rel: "self".into(),
                mime_type: Some("application/atom+xml".into()),
                ..Default::default()
            },
        ],
        generator: Some(atom_syndication::Generator { value: "Sala".into(), ..Default::default() }),
        entries,
        ..Default::default()
    }
}

fn thread_entry(state: &AppState, t: &ThreadRow) -> Entry {
    let url = format!("{}/t/{}", state.config.base_url, t.id);
    Entry {
        title: Text::plain(t.title.clone()),
        id: url.clone(),
        updated: when(t.last_activity_at),
        published: Some(when(t.created_at)),
        authors: vec![Person { name: t.author_display_name.clone(), ..Default::default() }],
        links: vec![Link { href: url, rel: "alternate".into(), ..Default::default() }],
        summary: Some(Text::plain(format!("{} · {}", t.community_name, t.board_name))),
        ..Default::default()
    }
}

fn knowledge_entry(state: &AppState, item: &knowledge_views::ItemRow) -> Entry {
    let url = format!("{}/k/{}", state.config.base_url, item.id);
    Entry {
        title: Text::plain(item.title.clone()),
        id: url.clone(),
        updated: when(item.updated_at),
        links: vec![Link { href: url, rel: "alternate".into(), ..Default::default() }],
        summary: Some(Text::plain(item.summary.clone())),
        ..Default::default()
    }
}

/// The response: private to the key's owner when a key was used.
fn respond(feed: Feed, keyed: bool) -> HttpResponse {
    let mut res = HttpResponse::Ok();
    res.content_type(ATOM);
    if keyed {
        res.insert_header((header::CACHE_CONTROL, crate::web::middleware::PRIVATE_NO_STORE));
    }
    res.body(feed.to_string())
}

/// The path a feed is served at, for `rel="self"` (never with the key).
fn self_path(req: &actix_web::HttpRequest) -> String {
    req.path().to_owned()
}

async fn community_feed(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
    path: web::Path<String>,
    q: web::Query<KeyQuery>,
) -> WebResult<HttpResponse> {
    let Reader { viewer, keyed } = reader(&state, q.into_inner()).await?;
    let slug = path.into_inner();
    let (community, threads) = state
        .db
        .run(move |conn| {
            let (community, _) = communities::readable(conn, viewer, &slug)?;
            let threads = thread_views::recent_threads(conn, viewer, Some(community.id), FEED_ENTRIES)?;
            Ok((community, threads))
        })
        .await?;
    let page = format!("{}/c/{}", state.config.base_url, community.slug);
    let entries = threads.iter().map(|t| thread_entry(&state, t)).collect();
    Ok(respond(feed(&state, community.name, page, &self_path(&req), entries), keyed))
}

async fn board_feed(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
    path: web::Path<(String, String)>,
    q: web::Query<KeyQuery>,
) -> WebResult<HttpResponse> {
    let Reader { viewer, keyed } = reader(&state, q.into_inner()).await?;
    let (slug, board_slug) = path.into_inner();
    let (community, board, threads) = state
        .db
        .run(move |conn| {
            let (community, _) = communities::readable(conn, viewer, &slug)?;
            let board = communities::board_by_slug(conn, community.id, &board_slug)?;
            let (threads, _) = thread_views::board_threads(conn, board.id, 1, FEED_ENTRIES as usize)?;
            Ok((community, board, threads))
        })
        .await?;
    let page = format!("{}/c/{}/b/{}", state.config.base_url, community.slug, board.slug);
    let entries = threads.iter().map(|t| thread_entry(&state, t)).collect();
    let title = format!("{} · {}", board.name, community.name);
    Ok(respond(feed(&state, title, page, &self_path(&req), entries), keyed))
}

async fn knowledge_feed(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
    path: web::Path<String>,
    q: web::Query<KeyQuery>,
) -> WebResult<HttpResponse> {
    let Reader { viewer, keyed } = reader(&state, q.into_inner()).await?;
    let slug = path.into_inner();
    let (community, items) = state
        .db
        .run(move |conn| {
            let (community, _) = communities::readable(conn, viewer, &slug)?;
            let filter = ListFilter { community: Some(community.slug.clone()), ..Default::default() };
            Ok((community, knowledge_views::list(conn, viewer, &filter)?))
        })
        .await?;
    let page = format!("{}/c/{}/knowledge", state.config.base_url, community.slug);
    let entries = items.iter().take(FEED_ENTRIES as usize).map(|i| knowledge_entry(&state, i)).collect();
    Ok(respond(feed(&state, community.name, page, &self_path(&req), entries), keyed))
}

async fn tag_feed(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
    path: web::Path<String>,
    q: web::Query<KeyQuery>,
) -> WebResult<HttpResponse> {
    let Reader { viewer, keyed } = reader(&state, q.into_inner()).await?;
    let tag = path.into_inner();
    let filter = ListFilter { tag: Some(tag.clone()), ..Default::default() };
    let items = state.db.run(move |conn| knowledge_views::list(conn, viewer, &filter)).await?;
    let page = format!("{}/knowledge/tags/{}", state.config.base_url, crate::web::errors::urlencode(&tag));
    let entries = items.iter().take(FEED_ENTRIES as usize).map(|i| knowledge_entry(&state, i)).collect();
    Ok(respond(feed(&state, format!("#{tag}"), page, &self_path(&req), entries), keyed))
}

/// The feed URL a page links to with `<link rel="alternate">`: with the
/// reader's key when the community is private (else a feed reader could
/// not read it), plain otherwise.
pub fn feed_url(path: &str, private: bool, user: Option<&accounts::User>) -> String {
    match user.and_then(|u| u.feed_token.as_deref()).filter(|_| private) {
        Some(key) => format!("{path}?key={key}"),
        None => path.to_owned(),
    }
}
