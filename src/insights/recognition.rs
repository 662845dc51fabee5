//! Recognition: contribution points that follow provenance — an accepted
//! answer, a post cited in published knowledge, and others' reuse of that
//! knowledge ("I applied this", helpful verdicts) credit the people whose
//! words it holds, far more than posting does — and a few badges, per
//! community or site-wide for a period (a fiscal year by default).

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::{Period, Scope};
use crate::db::schema::{
    answer_invitations, boards, knowledge_applied as applied, knowledge_citations as citations,
    knowledge_contributors as contributors, knowledge_feedback as feedback, knowledge_items as items,
    knowledge_reviews as reviews, posts, threads, users,
};
use crate::db::AnyConnection;
use crate::error::Result;
use crate::vocab::{FeedbackKind, ItemStatus};

/// Points per piece of evidence.
const REPLY: i64 = 1;
const ACCEPTED_ANSWER: i64 = 10;
const CITED: i64 = 15;
const APPLIED_BY_OTHER: i64 = 5;
const HELPFUL_BY_OTHER: i64 = 2;
const REVIEW: i64 = 3;
/// Items of one's that others applied, for the badge.
const APPLIED_ITEMS_BADGE: usize = 10;
/// People listed, at most.
const MAX_PEOPLE: usize = 100;

/// The badges, by the word the API and the translations use.
pub const BADGES: &[&str] = &["first_accepted_answer", "knowledge_contributor", "mentor", "reviewer", "applied_ten"];

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Contribution {
    pub username: String,
    pub display_name: String,
    pub points: i64,
    /// From [`BADGES`].
    pub badges: Vec<String>,
    pub accepted_answers: i64,
    /// Published items that cite their posts.
    pub cited_in: i64,
    /// Times others applied items citing them.
    pub applied_by_others: i64,
    pub replies: i64,
    pub reviews: i64,
}

#[derive(Default)]
struct Tally {
    points: i64,
    badges: BTreeSet<&'static str>,
    accepted_answers: i64,
    cited_in: i64,
    applied_by_others: i64,
    applied_items: HashSet<i64>,
    replies: i64,
    reviews: i64,
}

/// Everyone's contributions in the scope and period, best first. With
/// `public`, people who asked to stay out of rankings are left out.
pub fn recognition(conn: &mut AnyConnection, scope: &Scope, period: Period, public: bool) -> Result<Vec<Contribution>> {
    let communities = scope.community_ids(conn)?;
    let (start, end) = period.utc_range();
    let within = |at: NaiveDateTime| at >= start && at < end;
    let mut tally: HashMap<i64, Tally> = HashMap::new();

    let replies: Vec<i64> = posts::table
        .inner_join(threads::table.inner_join(boards::table))
        .filter(boards::community_id.eq_any(&communities))
        .filter(posts::parent_id.is_not_null())
        .filter(posts::is_deleted.eq(false))
        .filter(posts::hidden_at.is_null())
        .filter(posts::created_at.ge(start).and(posts::created_at.lt(end)))
        .select(posts::author_id)
        .load(conn)?;
    for author in replies {
        let t = tally.entry(author).or_default();
        t.replies += 1;
        t.points += REPLY;
    }

    // Accepted answers: (answerer, asker, thread, resolved at), not one's own.
    let accepted: Vec<(i64, i64, i64, Option<NaiveDateTime>)> = threads::table
        .inner_join(boards::table)
        .inner_join(posts::table.on(threads::accepted_post_id.eq(posts::id.nullable())))
        .filter(boards::community_id.eq_any(&communities))
        .filter(threads::is_hidden.eq(false))
        .filter(posts::is_deleted.eq(false))
        .filter(threads::resolved_at.lt(end))
        .select((posts::author_id, threads::author_id, threads::id, threads::resolved_at))
        .load(conn)?;
    let invited: HashSet<(i64, i64)> = answer_invitations::table
        .filter(answer_invitations::thread_id.eq_any(accepted.iter().map(|a| a.2).collect::<Vec<_>>()))
        .select((answer_invitations::thread_id, answer_invitations::user_id))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    for (answerer, asker, thread_id, at) in accepted {
        if answerer == asker || !at.is_some_and(within) {
            continue;
        }
        let t = tally.entry(answerer).or_default();
        t.accepted_answers += 1;
        t.points += ACCEPTED_ANSWER;
        t.badges.insert("first_accepted_answer");
        if invited.contains(&(thread_id, answerer)) {
            t.badges.insert("mentor");
        }
    }

    // Citations in knowledge published now (unpublishing takes the credit
    // back), credited in the period the item was published.
    let published = [ItemStatus::Published, ItemStatus::NeedsReview];
    let cited: Vec<(i64, i64, Option<NaiveDateTime>)> = citations::table
        .inner_join(items::table)
        .filter(items::community_id.eq_any(&communities))
        .filter(items::status.eq_any(published))
        .select((citations::author_id, items::id, items::published_at))
        .distinct()
        .load(conn)?;
    let mut cited_by_item: HashMap<i64, BTreeSet<i64>> = HashMap::new();
    for (author, item_id, published_at) in &cited {
        cited_by_item.entry(*item_id).or_default().insert(*author);
        if published_at.is_some_and(within) {
            let t = tally.entry(*author).or_default();
            t.cited_in += 1;
            t.points += CITED;
            t.badges.insert("knowledge_contributor");
        }
    }

    // Reuse by others: a report or verdict by someone the item cites, or
    // who wrote, distilled or edited it, credits nobody.
    let item_ids: Vec<i64> = cited_by_item.keys().copied().collect();
    let mut insiders: HashMap<i64, HashSet<i64>> = contributors::table
        .filter(contributors::item_id.eq_any(&item_ids))
        .select((contributors::item_id, contributors::user_id))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .fold(HashMap::new(), |mut map, (item, user)| {
            map.entry(item).or_insert_with(HashSet::new).insert(user);
            map
        });
    for (item, authors) in &cited_by_item {
        insiders.entry(*item).or_default().extend(authors.iter().copied());
    }
    let reports: Vec<(i64, i64)> = applied::table
        .filter(applied::item_id.eq_any(&item_ids))
        .filter(applied::created_at.ge(start).and(applied::created_at.lt(end)))
        .select((applied::item_id, applied::user_id))
        .load(conn)?;
    let helpful: Vec<(i64, i64)> = feedback::table
        .filter(feedback::item_id.eq_any(&item_ids))
        .filter(feedback::kind.eq(FeedbackKind::Helpful))
        .filter(feedback::created_at.ge(start).and(feedback::created_at.lt(end)))
        .select((feedback::item_id, feedback::user_id))
        .load(conn)?;
    for (kind, rows) in [(APPLIED_BY_OTHER, reports), (HELPFUL_BY_OTHER, helpful)] {
        for (item, reader) in rows {
            if insiders.get(&item).is_some_and(|people| people.contains(&reader)) {
                continue;
            }
            for author in cited_by_item.get(&item).into_iter().flatten() {
                let t = tally.entry(*author).or_default();
                t.points += kind;
                if kind == APPLIED_BY_OTHER {
                    t.applied_by_others += 1;
                    t.applied_items.insert(item);
                }
            }
        }
    }

    let reviewed: Vec<i64> = reviews::table
        .inner_join(items::table.on(items::id.eq(reviews::item_id)))
        .filter(items::community_id.eq_any(&communities))
        .filter(reviews::reviewed_at.ge(start).and(reviews::reviewed_at.lt(end)))
        .select(reviews::reviewer_id)
        .load(conn)?;
    for reviewer in reviewed {
        let t = tally.entry(reviewer).or_default();
        t.reviews += 1;
        t.points += REVIEW;
        t.badges.insert("reviewer");
    }
    for t in tally.values_mut() {
        if t.applied_items.len() >= APPLIED_ITEMS_BADGE {
            t.badges.insert("applied_ten");
        }
    }

    let ids: Vec<i64> = tally.keys().copied().collect();
    let mut people = users::table
        .filter(users::id.eq_any(&ids))
        .filter(users::closed_at.is_null())
        .select((users::id, users::username, users::display_name))
        .into_boxed();
    if public {
        people = people.filter(users::hide_from_rankings.eq(false));
    }
    let people: HashMap<i64, (String, String)> =
        people.load::<(i64, String, String)>(conn)?.into_iter().map(|(id, u, n)| (id, (u, n))).collect();
    let mut ranked: Vec<Contribution> = tally
        .into_iter()
        .filter_map(|(id, t)| {
            let (username, display_name) = people.get(&id)?.clone();
            Some(Contribution {
                username,
                display_name,
                points: t.points,
                badges: t.badges.into_iter().map(str::to_owned).collect(),
                accepted_answers: t.accepted_answers,
                cited_in: t.cited_in,
                applied_by_others: t.applied_by_others,
                replies: t.replies,
                reviews: t.reviews,
            })
        })
        .collect();
    ranked.sort_by(|a, b| b.points.cmp(&a.points).then_with(|| a.username.cmp(&b.username)));
    ranked.truncate(MAX_PEOPLE);
    Ok(ranked)
}
