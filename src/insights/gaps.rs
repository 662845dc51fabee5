//! The "identify" step of the KM cycle: what people looked for and did not
//! find, questions nobody answered, knowledge past its review date, and
//! knowledge at risk — subjects only one person answers or is cited for,
//! so a facilitator can pair a successor before that person moves on.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::{Period, Scope};
use crate::db::schema::{
    boards, knowledge_citations as citations, knowledge_items as items, knowledge_tags, posts, search_log, thread_tags,
    threads, users,
};
use crate::db::{now, AnyConnection};
use crate::error::Result;
use crate::vocab::{ItemStatus, ThreadKind};

/// A question is a gap once it has waited this long without an accepted answer.
pub const UNANSWERED_AFTER_DAYS: i64 = 7;
/// Rows per list, at most.
const MAX_ROWS: usize = 50;
/// A subject is at risk when one person holds at least this share of its
/// evidence (accepted answers, citations in published knowledge)…
const AT_RISK_SHARE: f64 = 0.75;
/// …and there are at least this many pieces of it (one answer is not yet a
/// body of knowledge).
const AT_RISK_MIN_EVIDENCE: usize = 2;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchGap {
    /// The query as searched (normalised: trimmed, lower case, spaces collapsed).
    pub query: String,
    /// How many times it found nothing.
    pub count: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Unanswered {
    pub thread_id: i64,
    pub title: String,
    pub url: String,
    pub asked_at: NaiveDateTime,
    pub replies: i32,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OverdueReview {
    pub item_id: i64,
    pub title: String,
    pub url: String,
    pub review_on: NaiveDate,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AtRisk {
    pub tag: String,
    /// The one person who holds it.
    pub username: String,
    pub display_name: String,
    /// Their pieces of evidence, and everyone's.
    pub theirs: i64,
    pub total: i64,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Gaps {
    /// Searches in the period that found nothing, most frequent first; who
    /// searched is never recorded.
    pub no_result_searches: Vec<SearchGap>,
    /// Questions asked in the period still without an accepted answer
    /// after [`UNANSWERED_AFTER_DAYS`] days, oldest first.
    pub unanswered_questions: Vec<Unanswered>,
    /// Published knowledge past its review date.
    pub overdue_reviews: Vec<OverdueReview>,
    /// Tags that one person holds alone.
    pub knowledge_at_risk: Vec<AtRisk>,
}

pub(super) fn gaps(conn: &mut AnyConnection, scope: &Scope, communities: &[i64], period: Period) -> Result<Gaps> {
    Ok(Gaps {
        no_result_searches: no_result_searches(conn, scope, period)?,
        unanswered_questions: unanswered(conn, communities, period)?,
        overdue_reviews: overdue(conn, communities)?,
        knowledge_at_risk: at_risk(conn, communities)?,
    })
}

fn no_result_searches(conn: &mut AnyConnection, scope: &Scope, period: Period) -> Result<Vec<SearchGap>> {
    let (start, end) = period.utc_range();
    let mut query = search_log::table
        .filter(search_log::result_count.eq(0))
        .filter(search_log::searched_at.ge(start).and(search_log::searched_at.lt(end)))
        .group_by(search_log::query)
        .select((search_log::query, diesel::dsl::count_star()))
        .into_boxed();
    if let Some(id) = scope.community_id() {
        query = query.filter(search_log::community_id.eq(id));
    }
    let mut found: Vec<(String, i64)> = query.load(conn)?;
    found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    found.truncate(MAX_ROWS);
    Ok(found.into_iter().map(|(query, count)| SearchGap { query, count }).collect())
}

fn unanswered(conn: &mut AnyConnection, communities: &[i64], period: Period) -> Result<Vec<Unanswered>> {
    let (start, end) = period.utc_range();
    let waited_since = now() - Duration::days(UNANSWERED_AFTER_DAYS);
    let found: Vec<(i64, String, NaiveDateTime, i32)> = threads::table
        .inner_join(boards::table)
        .filter(boards::community_id.eq_any(communities))
        .filter(threads::kind.eq(ThreadKind::Question))
        .filter(threads::is_hidden.eq(false))
        .filter(threads::accepted_post_id.is_null())
        .filter(threads::created_at.ge(start).and(threads::created_at.lt(end)))
        .filter(threads::created_at.lt(waited_since))
        .order(threads::created_at.asc())
        .limit(MAX_ROWS as i64)
        .select((threads::id, threads::title, threads::created_at, threads::reply_count))
        .load(conn)?;
    Ok(found
        .into_iter()
        .map(|(thread_id, title, asked_at, replies)| Unanswered {
            thread_id,
            title,
            url: format!("/t/{thread_id}"),
            asked_at,
            replies,
        })
        .collect())
}

fn overdue(conn: &mut AnyConnection, communities: &[i64]) -> Result<Vec<OverdueReview>> {
    let today = super::period::bangkok_today();
    let found: Vec<(i64, String, Option<NaiveDate>)> = items::table
        .filter(items::community_id.eq_any(communities))
        .filter(items::status.eq_any([ItemStatus::Published, ItemStatus::NeedsReview]))
        .filter(items::review_on.lt(today))
        .order(items::review_on.asc())
        .limit(MAX_ROWS as i64)
        .select((items::id, items::title, items::review_on))
        .load(conn)?;
    Ok(found
        .into_iter()
        .filter_map(|(item_id, title, review_on)| {
            Some(OverdueReview { item_id, title, url: format!("/k/{item_id}"), review_on: review_on? })
        })
        .collect())
}

/// Per tag, who holds its evidence: accepted answers on tagged questions and
/// posts cited in tagged published knowledge, each piece once.
fn at_risk(conn: &mut AnyConnection, communities: &[i64]) -> Result<Vec<AtRisk>> {
    let answers: Vec<(String, i64, i64)> = thread_tags::table
        .inner_join(threads::table.inner_join(boards::table))
        .inner_join(posts::table.on(threads::accepted_post_id.eq(posts::id.nullable())))
        .filter(boards::community_id.eq_any(communities))
        .filter(threads::is_hidden.eq(false))
        .filter(posts::is_deleted.eq(false))
        .select((thread_tags::tag, posts::author_id, posts::id))
        .load(conn)?;
    let cited: Vec<(String, i64, i64)> = knowledge_tags::table
        .inner_join(items::table.inner_join(citations::table))
        .filter(items::community_id.eq_any(communities))
        .filter(items::status.eq_any([ItemStatus::Published, ItemStatus::NeedsReview]))
        .select((knowledge_tags::tag, citations::author_id, citations::id))
        .load(conn)?;
    // tag → person → pieces (answers and citations told apart by sign).
    let mut holders: BTreeMap<String, HashMap<i64, HashSet<i64>>> = BTreeMap::new();
    for (tag, person, piece) in answers.into_iter().chain(cited.into_iter().map(|(t, p, c)| (t, p, -c))) {
        holders.entry(tag).or_default().entry(person).or_default().insert(piece);
    }
    let mut risky: Vec<(String, i64, i64, i64)> = Vec::new();
    for (tag, people) in holders {
        let total: usize = people.values().map(HashSet::len).sum();
        let Some((person, theirs)) =
            people.iter().map(|(p, pieces)| (*p, pieces.len())).max_by_key(|(p, n)| (*n, std::cmp::Reverse(*p)))
        else {
            continue;
        };
        if total >= AT_RISK_MIN_EVIDENCE && theirs as f64 / total as f64 >= AT_RISK_SHARE {
            risky.push((tag, person, theirs as i64, total as i64));
        }
    }
    let ids: Vec<i64> = risky.iter().map(|r| r.1).collect();
    let people: HashMap<i64, (String, String)> = users::table
        .filter(users::id.eq_any(&ids))
        .select((users::id, users::username, users::display_name))
        .load::<(i64, String, String)>(conn)?
        .into_iter()
        .map(|(id, username, name)| (id, (username, name)))
        .collect();
    risky.sort_by(|a, b| b.3.cmp(&a.3).then_with(|| a.0.cmp(&b.0)));
    risky.truncate(MAX_ROWS);
    Ok(risky
        .into_iter()
        .filter_map(|(tag, person, theirs, total)| {
            let (username, display_name) = people.get(&person)?.clone();
            Some(AtRisk { tag, username, display_name, theirs, total })
        })
        .collect())
}
