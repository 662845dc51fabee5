//! What was already asked and answered, or written down, for someone about
//! to ask: the "ask once" prompt beside a new question's title, and the
//! record that one of them answered the asker (a question that did not need
//! asking, which the insights count).

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::authz::Viewer;
use crate::communities::views::list_communities;
use crate::db::schema::{knowledge_items as items, posts, similar_answers, threads};
use crate::db::{now, AnyConnection};
use crate::error::{Error, FieldError, Result, Validator};
use crate::markdown;
use crate::search::engine::{self, Conditions};
use crate::search::index::{KIND_KNOWLEDGE, KIND_THREAD};
use crate::search::ParsedQuery;

/// How many earlier answers the prompt shows.
pub const MAX_SIMILAR: usize = 5;
/// How much of an accepted answer (or an item's summary) the prompt quotes.
const ANSWER_CHARS: usize = 160;

/// An earlier answer to what is about to be asked.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Similar {
    /// `knowledge` or `thread` (a resolved question).
    #[serde(rename = "type")]
    pub kind: String,
    /// The item's or the thread's id.
    pub id: i64,
    pub title: String,
    pub url: String,
    pub community_slug: String,
    pub community_name: String,
    /// The first lines of the accepted answer, or of the item's summary.
    pub answer: String,
}

/// `GET /api/v1/similar`'s query, and the ask form's preview.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SimilarQuery {
    /// The title being typed.
    #[serde(default)]
    pub title: String,
    /// The community being asked in (its slug): its answers come first.
    pub community: Option<String>,
}

/// Up to [`MAX_SIMILAR`] published knowledge items and resolved threads
/// whose words the title shares, best first, from communities the viewer
/// may read; those of the community being asked in first.
pub fn similar(conn: &mut AnyConnection, viewer: Viewer, query: &SimilarQuery) -> Result<Vec<Similar>> {
    let mut v = Validator::default();
    v.line("title", &query.title, crate::threads::MAX_TITLE_CHARS);
    v.finish()?;
    let parsed = ParsedQuery::from_title(&query.title);
    if parsed.is_empty() {
        return Ok(Vec::new());
    }
    let visible = list_communities(conn, viewer)?;
    let asked_in = query.community.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let (here, elsewhere): (Vec<_>, Vec<_>) = visible.iter().partition(|c| asked_in == Some(c.slug.as_str()));
    let mut matches = Vec::new();
    for group in [here, elsewhere] {
        let wanted = MAX_SIMILAR - matches.len();
        if wanted == 0 || group.is_empty() {
            continue;
        }
        let conditions =
            Conditions { communities: group.iter().map(|c| c.id).collect(), answers_only: true, ..Default::default() };
        matches.extend(engine::search(conn, &parsed, &conditions, wanted as i64, 0)?.page);
    }
    let thread_ids: Vec<i64> = matches.iter().filter(|m| m.kind == KIND_THREAD).filter_map(|m| m.thread_id).collect();
    let item_ids: Vec<i64> = matches.iter().filter(|m| m.kind == KIND_KNOWLEDGE).map(|m| m.source_id).collect();
    let accepted: Vec<(i64, String)> = threads::table
        .inner_join(posts::table.on(threads::accepted_post_id.eq(posts::id.nullable())))
        .filter(threads::id.eq_any(&thread_ids))
        .filter(posts::is_deleted.eq(false))
        .filter(posts::hidden_at.is_null())
        .select((threads::id, posts::body_md))
        .load(conn)?;
    let summaries: Vec<(i64, String)> =
        items::table.filter(items::id.eq_any(&item_ids)).select((items::id, items::summary)).load(conn)?;
    let answer_of = |rows: &[(i64, String)], id: i64| {
        rows.iter().find(|(row, _)| *row == id).map(|(_, md)| markdown::plain_excerpt(md, ANSWER_CHARS))
    };
    Ok(matches
        .into_iter()
        .filter_map(|m| {
            let community = visible.iter().find(|c| c.id == m.community_id)?;
            let (id, url, answer) = if m.kind == KIND_KNOWLEDGE {
                (m.source_id, format!("/k/{}", m.source_id), answer_of(&summaries, m.source_id))
            } else {
                let thread_id = m.thread_id?;
                (thread_id, format!("/t/{thread_id}"), answer_of(&accepted, thread_id))
            };
            Some(Similar {
                kind: m.kind,
                id,
                title: m.title,
                url,
                community_slug: community.slug.clone(),
                community_name: community.name.clone(),
                answer: answer.unwrap_or_default(),
            })
        })
        .collect())
}

/// "This answered my question", said of an earlier thread or item.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct AnsweredInput {
    /// `knowledge` or `thread`.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: i64,
    /// The title the user was about to ask with.
    #[serde(default)]
    pub title: String,
}

/// Records that an earlier answer spared the viewer a question (once per
/// person and answer; saying it again changes nothing). Only for what the
/// viewer may read: anything else is "not found".
pub fn record_answered(conn: &mut AnyConnection, viewer: Viewer, input: &AnsweredInput) -> Result<()> {
    let user_id = viewer.user_id.ok_or(Error::Unauthenticated)?;
    let mut v = Validator::default();
    v.line("title", &input.title, crate::threads::MAX_TITLE_CHARS);
    v.finish()?;
    let community_id = match input.kind.as_str() {
        KIND_KNOWLEDGE => crate::knowledge::readable(conn, viewer, input.id)?.0.community_id,
        KIND_THREAD => crate::threads::readable(conn, viewer, input.id)?.community.id,
        _ => return Err(Error::Invalid(vec![FieldError::new("type", "error-invalid-choice")])),
    };
    let already: i64 = similar_answers::table
        .filter(similar_answers::user_id.eq(user_id))
        .filter(similar_answers::kind.eq(&input.kind))
        .filter(similar_answers::source_id.eq(input.id))
        .count()
        .get_result(conn)?;
    if already == 0 {
        diesel::insert_into(similar_answers::table)
            .values((
                similar_answers::user_id.eq(user_id),
                similar_answers::kind.eq(&input.kind),
                similar_answers::source_id.eq(input.id),
                similar_answers::community_id.eq(community_id),
                similar_answers::asked_title.eq(input.title.trim()),
                similar_answers::created_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(())
}
