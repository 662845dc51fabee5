//! Who knows what: people ranked per community or per tag from evidence
//! Sala already holds (accepted answers, posts cited in published
//! knowledge, helpful feedback on that knowledge), newer evidence weighing
//! more; and the topics people declare themselves, shown apart. Evidence
//! from a community the viewer may not read neither shows nor counts.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::authz::Viewer;
use crate::communities::views::list_communities;
use crate::db::schema::{
    boards, knowledge_citations as citations, knowledge_feedback as feedback, knowledge_items as items, knowledge_tags,
    posts, thread_tags, threads, user_topics, users,
};
use crate::db::{now, AnyConnection};
use crate::error::Result;
use crate::vocab::{FeedbackKind, ItemStatus};

/// Points per piece of evidence, before recency: being quoted in curated
/// knowledge says most, an accepted answer a lot, each reader who found
/// that knowledge helpful a little.
const CITED: f64 = 4.0;
const ACCEPTED: f64 = 3.0;
const HELPFUL: f64 = 1.0;
/// Evidence this many days old counts half.
const HALF_LIFE_DAYS: f64 = 365.0;
/// People listed, at most.
pub const MAX_EXPERTS: usize = 10;
/// Evidence links shown per person, at most.
const MAX_EVIDENCE: usize = 5;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Evidence {
    /// `accepted_answer`, `cited` or `helpful`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: String,
    pub url: String,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Expert {
    pub username: String,
    pub display_name: String,
    /// Evidence points, newer counting more; only for ranking.
    pub score: f64,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Declared {
    pub username: String,
    pub display_name: String,
}

/// People who know a community's or a tag's subject, best first, and those
/// who say they do.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Experts {
    pub experts: Vec<Expert>,
    /// Self-declared (for a tag): people whose profile names it.
    pub declared: Vec<Declared>,
}

/// What to rank people on.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    Community(i64),
    Tag(&'a str),
}

/// One piece of evidence, before it is weighed: (person, evidence).
type Row = (i64, Evidence);

fn weight(kind: &str, at: NaiveDateTime, today: NaiveDateTime) -> f64 {
    let base = match kind {
        "cited" => CITED,
        "accepted_answer" => ACCEPTED,
        _ => HELPFUL,
    };
    let age_days = (today - at).num_days().max(0) as f64;
    base * 0.5f64.powf(age_days / HALF_LIFE_DAYS)
}

/// Ranks people on `subject` for `viewer`.
pub fn experts(conn: &mut AnyConnection, viewer: Viewer, subject: Subject) -> Result<Experts> {
    let readable: Vec<i64> = list_communities(conn, viewer)?.into_iter().map(|c| c.id).collect();
    let communities: Vec<i64> = match subject {
        Subject::Community(id) => readable.into_iter().filter(|c| *c == id).collect(),
        Subject::Tag(_) => readable,
    };
    let mut rows: Vec<Row> = Vec::new();
    rows.extend(accepted_answers(conn, &communities, subject)?);
    rows.extend(citations_and_feedback(conn, &communities, subject)?);
    let today = now();
    let mut by_person: HashMap<i64, (f64, Vec<Evidence>)> = HashMap::new();
    for (user_id, evidence) in rows {
        let entry = by_person.entry(user_id).or_default();
        entry.0 += weight(evidence.kind, evidence.at, today);
        entry.1.push(evidence);
    }
    let ids: Vec<i64> = by_person.keys().copied().collect();
    let people: HashMap<i64, (String, String)> = active_people(conn, &ids)?;
    let mut experts: Vec<Expert> = by_person
        .into_iter()
        .filter_map(|(user_id, (score, mut evidence))| {
            let (username, display_name) = people.get(&user_id)?.clone();
            evidence.sort_by_key(|e| std::cmp::Reverse(e.at));
            evidence.dedup_by(|a, b| a.url == b.url && a.kind == b.kind);
            evidence.truncate(MAX_EVIDENCE);
            Some(Expert { username, display_name, score: (score * 10.0).round() / 10.0, evidence })
        })
        .collect();
    experts.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.username.cmp(&b.username)));
    experts.truncate(MAX_EXPERTS);
    let declared = match subject {
        Subject::Tag(tag) => declared_for(conn, tag)?,
        Subject::Community(_) => Vec::new(),
    };
    Ok(Experts { experts, declared })
}

fn active_people(conn: &mut AnyConnection, ids: &[i64]) -> Result<HashMap<i64, (String, String)>> {
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .filter(users::closed_at.is_null().and(users::deactivated_at.is_null()))
        .select((users::id, users::username, users::display_name))
        .load::<(i64, String, String)>(conn)?
        .into_iter()
        .map(|(id, username, name)| (id, (username, name)))
        .collect())
}

/// Authors of accepted answers in the communities (on threads with the tag).
fn accepted_answers(conn: &mut AnyConnection, communities: &[i64], subject: Subject) -> Result<Vec<Row>> {
    let mut query = threads::table
        .inner_join(posts::table.on(threads::accepted_post_id.eq(posts::id.nullable())))
        .inner_join(boards::table.on(boards::id.eq(threads::board_id)))
        .filter(boards::community_id.eq_any(communities))
        .filter(threads::is_hidden.eq(false))
        .filter(posts::is_deleted.eq(false))
        .filter(posts::hidden_at.is_null())
        .select((posts::author_id, threads::id, threads::title, posts::created_at))
        .into_boxed();
    if let Subject::Tag(tag) = subject {
        query = query.filter(diesel::dsl::exists(
            thread_tags::table
                .filter(thread_tags::thread_id.eq(threads::id))
                .filter(thread_tags::tag.eq(tag.to_owned())),
        ));
    }
    let found: Vec<(i64, i64, String, NaiveDateTime)> = query.load(conn)?;
    Ok(found
        .into_iter()
        .map(|(author, thread_id, title, at)| {
            (author, Evidence { kind: "accepted_answer", title, url: format!("/t/{thread_id}"), at })
        })
        .collect())
}

/// People quoted in published knowledge of the communities (items with the
/// tag), and each reader's helpful feedback on those items, credited to
/// every person the item quotes.
fn citations_and_feedback(conn: &mut AnyConnection, communities: &[i64], subject: Subject) -> Result<Vec<Row>> {
    let published = [ItemStatus::Published.as_str(), ItemStatus::NeedsReview.as_str()];
    let mut query = citations::table
        .inner_join(items::table)
        .filter(items::community_id.eq_any(communities))
        .filter(items::status.eq_any(published))
        .select((citations::author_id, items::id, items::title, items::published_at, items::created_at))
        .into_boxed();
    if let Subject::Tag(tag) = subject {
        query = query.filter(diesel::dsl::exists(
            knowledge_tags::table
                .filter(knowledge_tags::item_id.eq(items::id))
                .filter(knowledge_tags::tag.eq(tag.to_owned())),
        ));
    }
    let cited: Vec<(i64, i64, String, Option<NaiveDateTime>, NaiveDateTime)> = query.load(conn)?;
    let item_ids: Vec<i64> = cited.iter().map(|c| c.1).collect();
    let helpful: Vec<(i64, NaiveDateTime)> = feedback::table
        .filter(feedback::item_id.eq_any(&item_ids))
        .filter(feedback::kind.eq(FeedbackKind::Helpful.as_str()))
        .select((feedback::item_id, feedback::created_at))
        .load(conn)?;
    let mut rows = Vec::new();
    for (author, item_id, title, published_at, created_at) in &cited {
        let url = format!("/k/{item_id}");
        let at = published_at.unwrap_or(*created_at);
        rows.push((*author, Evidence { kind: "cited", title: title.clone(), url: url.clone(), at }));
        for (_, at) in helpful.iter().filter(|(item, _)| item == item_id) {
            rows.push((*author, Evidence { kind: "helpful", title: title.clone(), url: url.clone(), at: *at }));
        }
    }
    Ok(rows)
}

fn declared_for(conn: &mut AnyConnection, tag: &str) -> Result<Vec<Declared>> {
    Ok(user_topics::table
        .inner_join(users::table)
        .filter(user_topics::tag.eq(tag))
        .filter(users::closed_at.is_null().and(users::deactivated_at.is_null()))
        .order(users::username.asc())
        .limit(MAX_EXPERTS as i64)
        .select((users::username, users::display_name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .map(|(username, display_name)| Declared { username, display_name })
        .collect())
}

/// The topics a person declares on their profile.
pub fn declared_topics(conn: &mut AnyConnection, user_id: i64) -> Result<Vec<String>> {
    Ok(user_topics::table
        .filter(user_topics::user_id.eq(user_id))
        .order(user_topics::tag.asc())
        .select(user_topics::tag)
        .load(conn)?)
}

/// Replaces the topics someone declares (comma-separated, at most ten).
pub fn set_declared_topics(conn: &mut AnyConnection, user_id: i64, raw: &str) -> Result<Vec<String>> {
    let mut v = crate::error::Validator::default();
    let topics = crate::tags::validate(&mut v, "topics", raw, 10);
    v.finish()?;
    crate::db::write_tx(conn, |conn| {
        diesel::delete(user_topics::table.filter(user_topics::user_id.eq(user_id))).execute(conn)?;
        for tag in &topics {
            diesel::insert_into(user_topics::table)
                .values((user_topics::user_id.eq(user_id), user_topics::tag.eq(tag)))
                .execute(conn)?;
        }
        Ok(())
    })?;
    Ok(topics)
}

/// A person's topics with evidence, as their profile shows them to
/// `viewer`: the tags of the threads they answered and the knowledge that
/// quotes them, most evidence first.
pub fn topics_of(conn: &mut AnyConnection, viewer: Viewer, user_id: i64) -> Result<Vec<(String, Vec<Evidence>)>> {
    let readable: Vec<i64> = list_communities(conn, viewer)?.into_iter().map(|c| c.id).collect();
    let answered: Vec<(String, i64, String, NaiveDateTime)> = thread_tags::table
        .inner_join(threads::table.inner_join(boards::table))
        .inner_join(posts::table.on(threads::accepted_post_id.eq(posts::id.nullable())))
        .filter(posts::author_id.eq(user_id))
        .filter(boards::community_id.eq_any(&readable))
        .filter(threads::is_hidden.eq(false))
        .select((thread_tags::tag, threads::id, threads::title, posts::created_at))
        .load(conn)?;
    let published = [ItemStatus::Published.as_str(), ItemStatus::NeedsReview.as_str()];
    let quoted: Vec<(String, i64, String, NaiveDateTime)> = knowledge_tags::table
        .inner_join(items::table.inner_join(citations::table))
        .filter(citations::author_id.eq(user_id))
        .filter(items::community_id.eq_any(&readable))
        .filter(items::status.eq_any(published))
        .select((knowledge_tags::tag, items::id, items::title, items::created_at))
        .distinct()
        .load(conn)?;
    let mut topics: Vec<(String, Vec<Evidence>)> = Vec::new();
    let evidence = answered
        .into_iter()
        .map(|(tag, id, title, at)| (tag, Evidence { kind: "accepted_answer", title, url: format!("/t/{id}"), at }))
        .chain(
            quoted
                .into_iter()
                .map(|(tag, id, title, at)| (tag, Evidence { kind: "cited", title, url: format!("/k/{id}"), at })),
        );
    for (tag, e) in evidence {
        match topics.iter_mut().find(|(t, _)| *t == tag) {
            Some((_, list)) => list.push(e),
            None => topics.push((tag, vec![e])),
        }
    }
    topics.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    Ok(topics)
}
