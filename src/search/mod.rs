//! Search over threads (title and opening post), replies and knowledge
//! items, in Thai and English, on either engine. [`text`] turns text into
//! terms (the same way for documents and queries), [`index`] keeps the index
//! in step with every write, [`engine`] holds the per-engine SQL, and
//! [`search`] here answers a query for one viewer.

pub mod dictionary;
pub mod engine;
pub mod index;
pub mod lexicon;
pub mod query;
pub mod rebuild;
pub mod suggest;
pub mod text;
pub mod words;

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::authz::Viewer;
use crate::communities::views::list_communities;
use crate::db::schema::{knowledge_items as items, knowledge_revisions as revisions, posts, search_log, users};
use crate::db::AnyConnection;
use crate::error::{FieldError, Result, Validator};
use crate::markdown;
use engine::Conditions;
use index::{KIND_KNOWLEDGE, KIND_REPLY, KIND_THREAD};
pub use query::ParsedQuery;

pub const PER_PAGE: i64 = 20;
/// Deep pages cost the engine a full ranking for little use; beyond this a
/// narrower query or a filter serves better.
pub const MAX_PAGE: i64 = engine::CANDIDATES / PER_PAGE;
const SNIPPET_CHARS: usize = 220;
const MAX_QUERY_CHARS: usize = 500;

/// What the search form and `GET /api/v1/search` take.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    #[serde(default)]
    pub q: String,
    /// A community's slug.
    pub community: Option<String>,
    /// `thread`, `reply` or `knowledge`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Only resolved threads, their replies, and knowledge.
    #[serde(default, deserialize_with = "crate::search::flag")]
    pub resolved: bool,
    /// A username.
    pub author: Option<String>,
    /// YYYY-MM-DD, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    pub page: Option<i64>,
}

/// Checkboxes send "on" or "1"; the API may send `true`.
fn flag<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<bool, D::Error> {
    let raw: Option<String> = Option::deserialize(d)?;
    Ok(matches!(raw.as_deref(), Some("1" | "on" | "true" | "yes")))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Hit {
    #[serde(rename = "type")]
    pub kind: String,
    /// The thread's id for a thread, the post's for a reply, the item's for
    /// knowledge.
    pub id: i64,
    pub title: String,
    pub title_html: String,
    pub url: String,
    pub snippet_html: String,
    pub community_slug: String,
    pub community_name: String,
    pub author_username: String,
    pub author_name: String,
    pub resolved: bool,
    pub created_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchResults {
    pub query: String,
    /// How many matched; when `more` is set, at least this many.
    pub total: i64,
    pub more: bool,
    pub page: i64,
    pub per_page: i64,
    pub pages: i64,
    pub results: Vec<Hit>,
    /// A translation key when there was nothing to search for (an empty or
    /// punctuation-only query): shown in place of results, not as an error.
    pub notice: Option<&'static str>,
    /// When the query found nothing or little: the same query with one
    /// word spelled as the index knows it, which finds more.
    pub did_you_mean: Option<String>,
}

fn parse_date(v: &mut Validator, field: &str, raw: Option<&str>) -> Option<NaiveDate> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty())?;
    let date = crate::i18n::parse_date_input(raw);
    v.check(date.is_some(), FieldError::new(field, "error-date-format"));
    date
}

fn parse_kind(raw: Option<&str>) -> std::result::Result<Option<&'static str>, ()> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(KIND_THREAD) => Ok(Some(KIND_THREAD)),
        Some(KIND_REPLY) => Ok(Some(KIND_REPLY)),
        Some(KIND_KNOWLEDGE) => Ok(Some(KIND_KNOWLEDGE)),
        Some(_) => Err(()),
    }
}

/// Answers a query for a viewer: only what they may read, best first.
pub fn search(conn: &mut AnyConnection, viewer: Viewer, params: &SearchParams) -> Result<SearchResults> {
    let started = std::time::Instant::now();
    let found = search_uninstrumented(conn, viewer, params, Hits::Shown).and_then(|mut results| {
        if results.notice.is_none() && results.page == 1 && results.total < suggest::FEW {
            results.did_you_mean = suggest::suggestion(conn, &params.q, results.total, |conn, q| {
                let corrected = SearchParams { q: q.to_string(), page: None, ..params.clone() };
                Ok(search_uninstrumented(conn, viewer, &corrected, Hits::Counted)?.total)
            })?;
        }
        Ok(results)
    });
    metrics::histogram!("sala_search_duration_seconds").record(started.elapsed().as_secs_f64());
    if let Ok(results) = &found {
        log(conn, viewer, params, results);
    }
    found
}

/// How a logged query is written: one search, however it was typed.
pub fn log_form(query: &str) -> String {
    text::normalise(query).to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Records a search for the insights (how much people search, what they
/// did not find) without who searched: the first page of a query only, so
/// paging is not counted again; narrowed to one community, it is that
/// community's. A failure to record is logged and the results still go out.
fn log(conn: &mut AnyConnection, viewer: Viewer, params: &SearchParams, results: &SearchResults) {
    if results.notice.is_some() || results.page > 1 {
        return;
    }
    let recorded = (|| -> Result<()> {
        let community_id = match params.community.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(slug) => {
                let found = list_communities(conn, viewer)?.into_iter().find(|c| c.slug == slug).map(|c| c.id);
                match found {
                    Some(id) => Some(id),
                    // Not a community they may read: nothing to learn from it.
                    None => return Ok(()),
                }
            }
            None => None,
        };
        diesel::insert_into(search_log::table)
            .values((
                search_log::query.eq(log_form(&params.q)),
                search_log::community_id.eq(community_id),
                search_log::result_count.eq(results.total.min(i32::MAX as i64) as i32),
                search_log::searched_at.eq(crate::db::now()),
            ))
            .execute(conn)?;
        Ok(())
    })();
    if let Err(e) = recorded {
        tracing::warn!(error = %e, "could not record a search for the insights");
    }
}

/// Whether a search's hits are read out (snippets, authors) or only counted
/// (a spelling being tried for "did you mean").
#[derive(Clone, Copy, PartialEq, Eq)]
enum Hits {
    Shown,
    Counted,
}

fn search_uninstrumented(
    conn: &mut AnyConnection,
    viewer: Viewer,
    params: &SearchParams,
    hits: Hits,
) -> Result<SearchResults> {
    let mut v = Validator::default();
    v.check(
        params.q.chars().count() <= MAX_QUERY_CHARS,
        FieldError::with_limit("q", "error-too-long", MAX_QUERY_CHARS as i64),
    );
    v.plain("q", &params.q);
    for (field, value) in [("author", &params.author), ("community", &params.community)] {
        v.plain(field, value.as_deref().unwrap_or_default());
    }
    let kind = parse_kind(params.kind.as_deref());
    v.check(kind.is_ok(), FieldError::new("type", "error-invalid-choice"));
    let from = parse_date(&mut v, "from", params.from.as_deref());
    let to = parse_date(&mut v, "to", params.to.as_deref());
    v.finish()?;
    dictionary::refresh(conn)?;
    let page = params.page.unwrap_or(1).clamp(1, MAX_PAGE);
    let mut results = SearchResults {
        query: params.q.clone(),
        total: 0,
        more: false,
        page,
        per_page: PER_PAGE,
        pages: 0,
        results: Vec::new(),
        notice: None,
        did_you_mean: None,
    };
    let query = ParsedQuery::parse(&params.q);
    if query.is_empty() {
        results.notice = Some("search-empty-query");
        return Ok(results);
    }
    let visible = list_communities(conn, viewer)?;
    let community_filter = params.community.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let mut conditions = Conditions {
        communities: visible
            .iter()
            .filter(|c| community_filter.is_none_or(|slug| c.slug == slug))
            .map(|c| c.id)
            .collect(),
        kind: kind.unwrap_or(None),
        resolved_only: params.resolved,
        answers_only: false,
        author_id: None,
        from,
        to,
    };
    if let Some(username) = params.author.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let author: Option<i64> = users::table
            .filter(users::username.eq(username.to_lowercase()))
            .select(users::id)
            .first(conn)
            .optional()?;
        match author {
            Some(id) => conditions.author_id = Some(id),
            // Nobody by that name wrote anything.
            None => return Ok(results),
        }
    }
    if hits == Hits::Counted {
        results.total = engine::count_up_to(conn, &query, &conditions, suggest::ENOUGH)?;
        return Ok(results);
    }
    let found = engine::search(conn, &query, &conditions, PER_PAGE, (page - 1) * PER_PAGE)?;
    results.total = found.total;
    results.more = found.capped;
    results.pages = ((found.total + PER_PAGE - 1) / PER_PAGE).min(MAX_PAGE);
    let matches = found.page;
    let communities: HashMap<i64, (String, String)> = visible.into_iter().map(|c| (c.id, (c.slug, c.name))).collect();
    results.results = hydrate(conn, &query, matches, &communities)?;
    Ok(results)
}

/// Turns ranked matches into what a result shows: the text around the
/// match (read from the source, so it is never stale), author and links.
fn hydrate(
    conn: &mut AnyConnection,
    query: &ParsedQuery,
    matches: Vec<engine::Match>,
    communities: &HashMap<i64, (String, String)>,
) -> Result<Vec<Hit>> {
    let post_ids: Vec<i64> = matches.iter().filter(|m| m.kind != KIND_KNOWLEDGE).map(|m| m.source_id).collect();
    let item_ids: Vec<i64> = matches.iter().filter(|m| m.kind == KIND_KNOWLEDGE).map(|m| m.source_id).collect();
    let author_ids: Vec<i64> = matches.iter().map(|m| m.author_id).collect();
    let post_text: HashMap<i64, String> = posts::table
        .filter(posts::id.eq_any(&post_ids))
        .select((posts::id, posts::body_md))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .map(|(id, md)| (id, markdown::plain_text(&md)))
        .collect();
    let item_text: HashMap<i64, String> = items::table
        .inner_join(
            revisions::table.on(revisions::item_id.eq(items::id).and(revisions::number.eq(items::current_revision))),
        )
        .filter(items::id.eq_any(&item_ids))
        .select((items::id, items::summary, revisions::context_md, revisions::solution_md, revisions::lessons_md))
        .load::<(i64, String, String, String, String)>(conn)?
        .into_iter()
        .map(|(id, summary, context, solution, lessons)| {
            let text = [
                summary,
                markdown::plain_text(&context),
                markdown::plain_text(&solution),
                markdown::plain_text(&lessons),
            ]
            .join(" ");
            (id, text)
        })
        .collect();
    let authors: HashMap<i64, (String, String)> = users::table
        .filter(users::id.eq_any(&author_ids))
        .select((users::id, users::username, users::display_name))
        .load::<(i64, String, String)>(conn)?
        .into_iter()
        .map(|(id, username, name)| (id, (username, name)))
        .collect();
    let hits = matches
        .into_iter()
        .map(|m| {
            let (id, url, source) = match m.kind.as_str() {
                KIND_THREAD => {
                    let thread_id = m.thread_id.unwrap_or_default();
                    (thread_id, format!("/t/{thread_id}"), post_text.get(&m.source_id))
                }
                KIND_REPLY => (m.source_id, format!("/p/{}", m.source_id), post_text.get(&m.source_id)),
                _ => (m.source_id, format!("/k/{}", m.source_id), item_text.get(&m.source_id)),
            };
            let (community_slug, community_name) = communities.get(&m.community_id).cloned().unwrap_or_default();
            let (author_username, author_name) = authors.get(&m.author_id).cloned().unwrap_or_default();
            Hit {
                id,
                url,
                title_html: text::highlight(&m.title, query, usize::MAX),
                snippet_html: source.map(|s| text::highlight(s, query, SNIPPET_CHARS)).unwrap_or_default(),
                title: m.title,
                kind: m.kind,
                community_slug,
                community_name,
                author_username,
                author_name,
                resolved: m.resolved,
                created_at: m.created_at,
            }
        })
        .collect();
    Ok(hits)
}
