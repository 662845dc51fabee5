//! The figures of one period at the three levels the KM literature asks
//! for: the system (is it used?), its outputs (what knowledge came of it?)
//! and the outcomes (did it help people's work?).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::{Levels, Period, Scope};
use crate::db::schema::{
    boards, knowledge_applied as applied, knowledge_feedback as feedback, knowledge_items as items,
    knowledge_reads as reads, knowledge_reviews as reviews, knowledge_revisions as revisions, memberships, outbox,
    posts, search_log, similar_answers, threads, users,
};
use crate::db::AnyConnection;
use crate::error::Result;
use crate::vocab::{FeedbackKind, MailStatus, ThreadKind};

/// The outbox's kind for digests (see `digests::content`).
const DIGEST_MAIL: &str = "digest";

/// Is Sala used?
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct System {
    /// People who posted, replied, gave feedback or reported using knowledge.
    pub active_members: i64,
    /// People who joined the community (site-wide: accounts created).
    pub new_members: i64,
    pub threads: i64,
    pub replies: i64,
    pub searches: i64,
    /// Signed-in readers of knowledge items, once per person and day.
    pub knowledge_views: i64,
    /// Digests delivered (opens and clicks are not tracked: no pixels).
    pub digests_sent: i64,
}

/// What knowledge came of it?
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Output {
    pub questions_asked: i64,
    /// Of the questions asked in the period, those with an accepted answer.
    pub questions_answered: i64,
    /// `questions_answered / questions_asked`, when anything was asked.
    pub answer_rate: Option<f64>,
    /// Median hours from a question to its first reply by someone else.
    pub median_hours_to_first_reply: Option<f64>,
    /// Median hours from a question to its accepted answer.
    pub median_hours_to_accepted_answer: Option<f64>,
    pub knowledge_distilled: i64,
    pub knowledge_published: i64,
    /// New revisions of existing items.
    pub knowledge_revised: i64,
    pub knowledge_reviewed: i64,
    /// Reviews done by the day they were due.
    pub reviews_on_time: i64,
}

/// Did it help?
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Outcome {
    /// "I applied this" reports on knowledge items.
    pub applied_reports: i64,
    /// Minutes saved, as the reports tell.
    pub minutes_saved: i64,
    /// Reports that tell a story.
    pub stories: i64,
    /// "This answered my question" on a knowledge item before asking.
    pub answered_by_knowledge: i64,
    /// Questions that did not need asking: an earlier answer or item
    /// answered them (from the similar-questions prompt).
    pub questions_not_asked: i64,
    pub helpful_feedback: i64,
    pub outdated_feedback: i64,
}

pub(super) fn levels(conn: &mut AnyConnection, scope: &Scope, communities: &[i64], period: Period) -> Result<Levels> {
    let (start, end) = period.utc_range();
    let span = Span { communities, start, end };
    Ok(Levels {
        system: system(conn, scope, &span, period)?,
        output: output(conn, &span)?,
        outcome: outcome(conn, &span)?,
    })
}

/// The communities and the UTC instants `[start, end)` counted.
struct Span<'a> {
    communities: &'a [i64],
    start: NaiveDateTime,
    end: NaiveDateTime,
}

fn system(conn: &mut AnyConnection, scope: &Scope, span: &Span, period: Period) -> Result<System> {
    let Span { communities, start, end } = *span;
    let mut active: HashSet<i64> = HashSet::new();
    let writers: Vec<i64> = posts::table
        .inner_join(threads::table.inner_join(boards::table))
        .filter(boards::community_id.eq_any(communities))
        .filter(posts::created_at.ge(start).and(posts::created_at.lt(end)))
        .filter(posts::is_deleted.eq(false))
        .select(posts::author_id)
        .distinct()
        .load(conn)?;
    active.extend(writers);
    let readers: Vec<i64> = feedback::table
        .inner_join(items::table)
        .filter(items::community_id.eq_any(communities))
        .filter(feedback::created_at.ge(start).and(feedback::created_at.lt(end)))
        .select(feedback::user_id)
        .distinct()
        .load(conn)?;
    active.extend(readers);
    let appliers: Vec<i64> = applied::table
        .inner_join(items::table.on(items::id.eq(applied::item_id)))
        .filter(items::community_id.eq_any(communities))
        .filter(applied::created_at.ge(start).and(applied::created_at.lt(end)))
        .select(applied::user_id)
        .distinct()
        .load(conn)?;
    active.extend(appliers);

    let new_members: i64 = match scope {
        Scope::Community(c) => memberships::table
            .filter(memberships::community_id.eq(c.id))
            .filter(memberships::joined_at.ge(start).and(memberships::joined_at.lt(end)))
            .count()
            .get_result(conn)?,
        Scope::Site => {
            users::table.filter(users::created_at.ge(start).and(users::created_at.lt(end))).count().get_result(conn)?
        }
    };
    let threads_started: i64 = threads::table
        .inner_join(boards::table)
        .filter(boards::community_id.eq_any(communities))
        .filter(threads::created_at.ge(start).and(threads::created_at.lt(end)))
        .filter(threads::is_hidden.eq(false))
        .count()
        .get_result(conn)?;
    let replies: i64 = posts::table
        .inner_join(threads::table.inner_join(boards::table))
        .filter(boards::community_id.eq_any(communities))
        .filter(posts::created_at.ge(start).and(posts::created_at.lt(end)))
        .filter(posts::parent_id.is_not_null())
        .filter(posts::is_deleted.eq(false))
        .filter(posts::hidden_at.is_null())
        .count()
        .get_result(conn)?;
    let mut searches = search_log::table
        .filter(search_log::searched_at.ge(start).and(search_log::searched_at.lt(end)))
        .count()
        .into_boxed();
    if let Some(id) = scope.community_id() {
        searches = searches.filter(search_log::community_id.eq(id));
    }
    let searches: i64 = searches.get_result(conn)?;
    let knowledge_views: i64 = reads::table
        .inner_join(items::table.on(items::id.eq(reads::item_id)))
        .filter(items::community_id.eq_any(communities))
        .filter(reads::read_on.ge(period.from).and(reads::read_on.le(period.to)))
        .count()
        .get_result(conn)?;
    let mut digests = outbox::table
        .filter(outbox::kind.eq(DIGEST_MAIL))
        .filter(outbox::status.eq(MailStatus::Sent))
        .filter(outbox::sent_at.ge(start).and(outbox::sent_at.lt(end)))
        .count()
        .into_boxed();
    if let Some(id) = scope.community_id() {
        digests = digests.filter(outbox::community_id.eq(id));
    }
    let digests_sent: i64 = digests.get_result(conn)?;
    Ok(System {
        active_members: active.len() as i64,
        new_members,
        threads: threads_started,
        replies,
        searches,
        knowledge_views,
        digests_sent,
    })
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    let median = if values.len() % 2 == 1 { values[mid] } else { (values[mid - 1] + values[mid]) / 2.0 };
    Some((median * 10.0).round() / 10.0)
}

fn hours(from: NaiveDateTime, to: NaiveDateTime) -> f64 {
    (to - from).num_seconds().max(0) as f64 / 3600.0
}

fn output(conn: &mut AnyConnection, span: &Span) -> Result<Output> {
    let Span { communities, start, end } = *span;
    // (id, asker, asked at, accepted answer, resolved at)
    type Question = (i64, i64, NaiveDateTime, Option<i64>, Option<NaiveDateTime>);
    let questions: Vec<Question> = threads::table
        .inner_join(boards::table)
        .filter(boards::community_id.eq_any(communities))
        .filter(threads::kind.eq(ThreadKind::Question))
        .filter(threads::is_hidden.eq(false))
        .filter(threads::created_at.ge(start).and(threads::created_at.lt(end)))
        .select((threads::id, threads::author_id, threads::created_at, threads::accepted_post_id, threads::resolved_at))
        .load(conn)?;
    let ids: Vec<i64> = questions.iter().map(|q| q.0).collect();
    let replies: Vec<(i64, i64, NaiveDateTime)> = posts::table
        .filter(posts::thread_id.eq_any(&ids))
        .filter(posts::parent_id.is_not_null())
        .filter(posts::is_deleted.eq(false))
        .select((posts::thread_id, posts::author_id, posts::created_at))
        .load(conn)?;
    let mut first_reply: HashMap<i64, NaiveDateTime> = HashMap::new();
    let askers: HashMap<i64, i64> = questions.iter().map(|q| (q.0, q.1)).collect();
    for (thread_id, author, at) in replies {
        if askers.get(&thread_id) == Some(&author) {
            continue;
        }
        let first = first_reply.entry(thread_id).or_insert(at);
        *first = (*first).min(at);
    }
    let to_first_reply: Vec<f64> =
        questions.iter().filter_map(|q| first_reply.get(&q.0).map(|at| hours(q.2, *at))).collect();
    let to_accepted: Vec<f64> =
        questions.iter().filter(|q| q.3.is_some()).filter_map(|q| q.4.map(|resolved| hours(q.2, resolved))).collect();
    let asked = questions.len() as i64;
    let answered = questions.iter().filter(|q| q.3.is_some()).count() as i64;

    let distilled: i64 = items::table
        .filter(items::community_id.eq_any(communities))
        .filter(items::created_at.ge(start).and(items::created_at.lt(end)))
        .count()
        .get_result(conn)?;
    let published: i64 = items::table
        .filter(items::community_id.eq_any(communities))
        .filter(items::published_at.ge(start).and(items::published_at.lt(end)))
        .count()
        .get_result(conn)?;
    let revised: i64 = revisions::table
        .inner_join(items::table)
        .filter(items::community_id.eq_any(communities))
        .filter(revisions::number.gt(1))
        .filter(revisions::created_at.ge(start).and(revisions::created_at.lt(end)))
        .count()
        .get_result(conn)?;
    let done: Vec<(NaiveDateTime, Option<chrono::NaiveDate>)> = reviews::table
        .inner_join(items::table.on(items::id.eq(reviews::item_id)))
        .filter(items::community_id.eq_any(communities))
        .filter(reviews::reviewed_at.ge(start).and(reviews::reviewed_at.lt(end)))
        .select((reviews::reviewed_at, reviews::due_on))
        .load(conn)?;
    let on_time =
        done.iter().filter(|(at, due)| due.is_none_or(|due| super::period::bangkok_day(*at) <= due)).count() as i64;
    Ok(Output {
        questions_asked: asked,
        questions_answered: answered,
        answer_rate: (asked > 0).then(|| ((answered as f64 / asked as f64) * 1000.0).round() / 1000.0),
        median_hours_to_first_reply: median(to_first_reply),
        median_hours_to_accepted_answer: median(to_accepted),
        knowledge_distilled: distilled,
        knowledge_published: published,
        knowledge_revised: revised,
        knowledge_reviewed: done.len() as i64,
        reviews_on_time: on_time,
    })
}

fn outcome(conn: &mut AnyConnection, span: &Span) -> Result<Outcome> {
    let Span { communities, start, end } = *span;
    let reports: Vec<(Option<i32>, String)> = applied::table
        .inner_join(items::table.on(items::id.eq(applied::item_id)))
        .filter(items::community_id.eq_any(communities))
        .filter(applied::created_at.ge(start).and(applied::created_at.lt(end)))
        .select((applied::minutes_saved, applied::story))
        .load(conn)?;
    let not_asked: Vec<String> = similar_answers::table
        .filter(similar_answers::community_id.eq_any(communities))
        .filter(similar_answers::created_at.ge(start).and(similar_answers::created_at.lt(end)))
        .select(similar_answers::kind)
        .load(conn)?;
    let verdicts: Vec<FeedbackKind> = feedback::table
        .inner_join(items::table)
        .filter(items::community_id.eq_any(communities))
        .filter(feedback::created_at.ge(start).and(feedback::created_at.lt(end)))
        .select(feedback::kind)
        .load(conn)?;
    Ok(Outcome {
        applied_reports: reports.len() as i64,
        minutes_saved: reports.iter().filter_map(|r| r.0).map(i64::from).sum(),
        stories: reports.iter().filter(|r| !r.1.trim().is_empty()).count() as i64,
        answered_by_knowledge: not_asked.iter().filter(|k| k.as_str() == crate::search::index::KIND_KNOWLEDGE).count()
            as i64,
        questions_not_asked: not_asked.len() as i64,
        helpful_feedback: verdicts.iter().filter(|k| **k == FeedbackKind::Helpful).count() as i64,
        outdated_feedback: verdicts.iter().filter(|k| **k == FeedbackKind::Outdated).count() as i64,
    })
}
