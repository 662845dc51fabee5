//! What Sala already knows about a plan's knowledge: each area's status
//! from the knowledge items carrying its tags, and each computed
//! indicator's figure for a period. Evidence counts only from the
//! communities the plan's owner may read (`reach_of`), so a private
//! community's work shows in the plans of those who belong to it; links
//! show their titles only to viewers who may read them.

use std::collections::HashSet;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::{AreaRow, Plan};
use crate::accounts::User;
use crate::authz::Viewer;
use crate::communities::views::list_communities;
use crate::db::schema::{
    boards, communities, knowledge_applied as applied, knowledge_items as items, knowledge_tags, posts, search_log,
    thread_tags, threads, users,
};
use crate::db::AnyConnection;
use crate::error::Result;
use crate::vocab::{AreaStatus, IndicatorSource, ItemStatus, ThreadKind};

/// A span of UTC instants, half-open.
pub type Range = (NaiveDateTime, NaiveDateTime);

/// The communities whose evidence counts in `plan`: those its owner may
/// read (public ones when the owner's account is gone).
pub fn reach_of(conn: &mut AnyConnection, plan: &Plan) -> Result<Vec<i64>> {
    let viewer = match plan.owner_id {
        Some(id) => users::table
            .find(id)
            .select(User::as_select())
            .first(conn)
            .optional()?
            .map_or_else(Viewer::anonymous, |owner| owner.viewer()),
        None => Viewer::anonymous(),
    };
    readable(conn, viewer)
}

/// The communities `viewer` may read.
pub fn readable(conn: &mut AnyConnection, viewer: Viewer) -> Result<Vec<i64>> {
    Ok(list_communities(conn, viewer)?.into_iter().map(|c| c.id).collect())
}

/// The communities an area looks in: its own (if it names one) within reach.
fn area_communities(reach: &[i64], area: &AreaRow) -> Vec<i64> {
    reach.iter().copied().filter(|c| area.community_id.is_none_or(|own| own == *c)).collect()
}

/// One knowledge item as the map needs it.
#[derive(Debug, Clone, Queryable)]
pub struct AreaItem {
    pub id: i64,
    pub title: String,
    pub status: ItemStatus,
    pub review_on: Option<NaiveDate>,
    pub published_at: Option<NaiveDateTime>,
}

/// The knowledge items carrying any of the area's tags, within reach.
pub fn area_items(conn: &mut AnyConnection, reach: &[i64], area: &AreaRow) -> Result<Vec<AreaItem>> {
    let rows: Vec<AreaItem> = items::table
        .inner_join(knowledge_tags::table)
        .filter(knowledge_tags::tag.eq_any(area.tag_list()))
        .filter(items::community_id.eq_any(area_communities(reach, area)))
        .select((items::id, items::title, items::status, items::review_on, items::published_at))
        .order(items::id.asc())
        .load(conn)?;
    let mut seen = HashSet::new();
    Ok(rows.into_iter().filter(|item| seen.insert(item.id)).collect())
}

fn is_published(status: ItemStatus) -> bool {
    matches!(status, ItemStatus::Published | ItemStatus::NeedsReview)
}

/// An area's state from its items: due for review when a published item is
/// (or its review date passed), else published, else draft, else none.
pub fn area_status(found: &[AreaItem], today: NaiveDate) -> AreaStatus {
    let published: Vec<&AreaItem> = found.iter().filter(|i| is_published(i.status)).collect();
    let due =
        published.iter().any(|i| i.status == ItemStatus::NeedsReview || i.review_on.is_some_and(|day| day <= today));
    if due {
        AreaStatus::ReviewDue
    } else if !published.is_empty() {
        AreaStatus::Published
    } else if found.iter().any(|i| i.status == ItemStatus::Draft) {
        AreaStatus::Draft
    } else {
        AreaStatus::None
    }
}

pub fn published_count(found: &[AreaItem]) -> i64 {
    found.iter().filter(|i| is_published(i.status)).count() as i64
}

/// How much of its target an indicator reached, in per cent (none without
/// a figure; a zero target counts as reached).
pub fn percent_of_target(target: f64, actual: Option<f64>) -> Option<i64> {
    let actual = actual?;
    if target <= 0.0 {
        return Some(100);
    }
    Some((actual / target * 100.0).round() as i64)
}

/// A computed indicator's figure over `range`, from the evidence carrying
/// `tags` in the `reach` communities; `None` for manual indicators.
/// `unit`, when the plan is one unit's, narrows "participants" to its staff.
pub fn figure(
    conn: &mut AnyConnection,
    source: IndicatorSource,
    reach: &[i64],
    unit: Option<&str>,
    tags: &[String],
    (from, to): Range,
) -> Result<Option<f64>> {
    let count = |ids: Vec<i64>| Some(ids.into_iter().collect::<HashSet<_>>().len() as f64);
    Ok(match source {
        IndicatorSource::Manual => None,
        IndicatorSource::PublishedItems => count(
            items::table
                .inner_join(knowledge_tags::table)
                .filter(knowledge_tags::tag.eq_any(tags))
                .filter(items::community_id.eq_any(reach))
                .filter(items::status.eq_any([ItemStatus::Published, ItemStatus::NeedsReview]))
                .filter(items::published_at.ge(from).and(items::published_at.lt(to)))
                .select(items::id)
                .load(conn)?,
        ),
        IndicatorSource::ReviewedItems => count(
            items::table
                .inner_join(knowledge_tags::table)
                .filter(knowledge_tags::tag.eq_any(tags))
                .filter(items::community_id.eq_any(reach))
                .filter(items::status.ne(ItemStatus::Archived))
                .filter(items::last_reviewed_at.ge(from).and(items::last_reviewed_at.lt(to)))
                .select(items::id)
                .load(conn)?,
        ),
        IndicatorSource::QuestionsAnswered => count(
            threads::table
                .inner_join(boards::table)
                .inner_join(thread_tags::table)
                .filter(thread_tags::tag.eq_any(tags))
                .filter(boards::community_id.eq_any(reach))
                .filter(threads::kind.eq(ThreadKind::Question))
                .filter(threads::is_hidden.eq(false))
                .filter(threads::accepted_post_id.is_not_null())
                .filter(threads::resolved_at.ge(from).and(threads::resolved_at.lt(to)))
                .select(threads::id)
                .load(conn)?,
        ),
        IndicatorSource::AppliedReports | IndicatorSource::MinutesSaved => {
            let rows: Vec<(i64, Option<i32>)> = applied::table
                .inner_join(items::table.inner_join(knowledge_tags::table))
                .filter(knowledge_tags::tag.eq_any(tags))
                .filter(items::community_id.eq_any(reach))
                .filter(applied::created_at.ge(from).and(applied::created_at.lt(to)))
                .select((applied::id, applied::minutes_saved))
                .load(conn)?;
            let mut seen = HashSet::new();
            let unique: Vec<Option<i32>> =
                rows.into_iter().filter(|(id, _)| seen.insert(*id)).map(|(_, minutes)| minutes).collect();
            Some(if source == IndicatorSource::AppliedReports {
                unique.len() as f64
            } else {
                unique.into_iter().flatten().map(f64::from).sum()
            })
        }
        IndicatorSource::Participants => Some(
            participants(conn, reach, tags, (from, to))?
                .into_iter()
                .filter(|(_, their_unit)| unit.is_none_or(|u| u == their_unit))
                .count() as f64,
        ),
        IndicatorSource::NoResultSearches => {
            let mut ids = Vec::new();
            for tag in tags {
                ids.extend(
                    search_log::table
                        .filter(search_log::result_count.eq(0))
                        .filter(search_log::searched_at.ge(from).and(search_log::searched_at.lt(to)))
                        .filter(search_log::query.like(format!("%{}%", escape_like(tag))).escape('\\'))
                        .select(search_log::id)
                        .load::<i64>(conn)?,
                );
            }
            count(ids)
        }
    })
}

/// Everyone who posted in threads carrying `tags` over the range, with
/// their unit, once each.
fn participants(
    conn: &mut AnyConnection,
    reach: &[i64],
    tags: &[String],
    (from, to): Range,
) -> Result<Vec<(i64, String)>> {
    let rows: Vec<(i64, String)> = posts::table
        .inner_join(threads::table.inner_join(boards::table).inner_join(thread_tags::table))
        .inner_join(users::table.on(users::id.eq(posts::author_id)))
        .filter(thread_tags::tag.eq_any(tags))
        .filter(boards::community_id.eq_any(reach))
        .filter(posts::is_deleted.eq(false))
        .filter(posts::created_at.ge(from).and(posts::created_at.lt(to)))
        .select((posts::author_id, users::unit))
        .load(conn)?;
    let mut seen = HashSet::new();
    Ok(rows.into_iter().filter(|(id, _)| seen.insert(*id)).collect())
}

/// How many people of each unit took part, most first (people without a
/// unit under an empty name).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct UnitCount {
    pub unit: String,
    pub people: i64,
}

pub fn participants_by_unit(
    conn: &mut AnyConnection,
    reach: &[i64],
    tags: &[String],
    range: Range,
) -> Result<Vec<UnitCount>> {
    let mut by_unit: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
    for (_, unit) in participants(conn, reach, tags, range)? {
        *by_unit.entry(unit.trim().to_owned()).or_default() += 1;
    }
    let mut counts: Vec<UnitCount> = by_unit.into_iter().map(|(unit, people)| UnitCount { unit, people }).collect();
    counts.sort_by(|a, b| b.people.cmp(&a.people).then_with(|| a.unit.cmp(&b.unit)));
    Ok(counts)
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// The Sala objects an activity can work through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LinkKind {
    Community,
    Board,
    Tag,
    Knowledge,
    Thread,
}

impl LinkKind {
    pub fn parse(text: &str) -> Option<LinkKind> {
        Some(match text {
            "community" => LinkKind::Community,
            "board" => LinkKind::Board,
            "tag" => LinkKind::Tag,
            "knowledge" => LinkKind::Knowledge,
            "thread" => LinkKind::Thread,
            _ => return None,
        })
    }
}

/// Whether the object a link names exists (tags always do).
pub fn link_exists(conn: &mut AnyConnection, kind: LinkKind, value: &str) -> Result<bool> {
    let id = value.parse::<i64>().ok();
    let found: i64 = match (kind, id) {
        (LinkKind::Tag, _) => 1,
        (LinkKind::Community, _) => communities::table.filter(communities::slug.eq(value)).count().get_result(conn)?,
        (LinkKind::Board, Some(id)) => boards::table.find(id).count().get_result(conn)?,
        (LinkKind::Knowledge, Some(id)) => items::table.find(id).count().get_result(conn)?,
        (LinkKind::Thread, Some(id)) => threads::table.find(id).count().get_result(conn)?,
        _ => 0,
    };
    Ok(found > 0)
}

/// An activity's linked object, as one viewer may see it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct LinkProgress {
    pub kind: LinkKind,
    /// Its name; none when the viewer may not read it.
    pub title: Option<String>,
    pub url: Option<String>,
    /// Threads started through it in the plan's year (community, board, tag).
    pub threads: Option<i64>,
    /// Whether it is done: a knowledge item published, a question answered.
    pub done: Option<bool>,
}

/// Where a linked object stands, for `viewer_reach` (the communities the
/// person looking may read) over the plan's `range`.
pub fn link_progress(
    conn: &mut AnyConnection,
    viewer_reach: &[i64],
    link: &str,
    (from, to): Range,
) -> Result<Option<LinkProgress>> {
    let Some((kind, value)) = link.split_once(':').and_then(|(k, v)| Some((LinkKind::parse(k)?, v))) else {
        return Ok(None);
    };
    let id = value.parse::<i64>().unwrap_or(0);
    let hidden = LinkProgress { kind, title: None, url: None, threads: None, done: None };
    let started = |conn: &mut AnyConnection, boards_in: Vec<i64>| -> Result<i64> {
        Ok(threads::table
            .filter(threads::board_id.eq_any(boards_in))
            .filter(threads::is_hidden.eq(false))
            .filter(threads::created_at.ge(from).and(threads::created_at.lt(to)))
            .count()
            .get_result(conn)?)
    };
    let progress = match kind {
        LinkKind::Community => {
            let found: Option<(i64, String)> = communities::table
                .filter(communities::slug.eq(value))
                .select((communities::id, communities::name))
                .first(conn)
                .optional()?;
            match found {
                Some((cid, name)) if viewer_reach.contains(&cid) => {
                    let in_it = boards::table.filter(boards::community_id.eq(cid)).select(boards::id).load(conn)?;
                    LinkProgress {
                        title: Some(name),
                        url: Some(format!("/c/{value}")),
                        threads: Some(started(conn, in_it)?),
                        ..hidden
                    }
                }
                _ => hidden,
            }
        }
        LinkKind::Board => {
            let found: Option<(i64, String, String, String)> = boards::table
                .inner_join(communities::table)
                .filter(boards::id.eq(id))
                .select((communities::id, communities::slug, boards::slug, boards::name))
                .first(conn)
                .optional()?;
            match found {
                Some((cid, community, board, name)) if viewer_reach.contains(&cid) => LinkProgress {
                    title: Some(name),
                    url: Some(format!("/c/{community}/b/{board}")),
                    threads: Some(started(conn, vec![id])?),
                    ..hidden
                },
                _ => hidden,
            }
        }
        LinkKind::Tag => {
            let tagged: Vec<i64> = threads::table
                .inner_join(boards::table)
                .inner_join(thread_tags::table)
                .filter(thread_tags::tag.eq(value))
                .filter(boards::community_id.eq_any(viewer_reach))
                .filter(threads::is_hidden.eq(false))
                .filter(threads::created_at.ge(from).and(threads::created_at.lt(to)))
                .select(threads::id)
                .load(conn)?;
            LinkProgress {
                title: Some(value.to_owned()),
                url: Some(format!(
                    "/tags/{}",
                    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC)
                )),
                threads: Some(tagged.len() as i64),
                ..hidden
            }
        }
        LinkKind::Knowledge => {
            let found: Option<(i64, String, ItemStatus)> = items::table
                .find(id)
                .select((items::community_id, items::title, items::status))
                .first(conn)
                .optional()?;
            match found {
                Some((cid, title, status)) if viewer_reach.contains(&cid) && status != ItemStatus::Draft => {
                    LinkProgress {
                        title: Some(title),
                        url: Some(format!("/k/{id}")),
                        done: Some(is_published(status)),
                        ..hidden
                    }
                }
                Some((_, _, status)) => LinkProgress { done: Some(is_published(status)), ..hidden },
                None => hidden,
            }
        }
        LinkKind::Thread => {
            let found: Option<(i64, String, bool, Option<i64>, bool)> = threads::table
                .inner_join(boards::table)
                .filter(threads::id.eq(id))
                .select((
                    boards::community_id,
                    threads::title,
                    threads::is_hidden,
                    threads::accepted_post_id,
                    threads::ready_to_distill,
                ))
                .first(conn)
                .optional()?;
            match found {
                Some((cid, title, false, accepted, ready)) if viewer_reach.contains(&cid) => LinkProgress {
                    title: Some(title),
                    url: Some(format!("/t/{id}")),
                    done: Some(accepted.is_some() || ready),
                    ..hidden
                },
                Some((_, _, _, accepted, ready)) => LinkProgress { done: Some(accepted.is_some() || ready), ..hidden },
                None => hidden,
            }
        }
    };
    Ok(Some(progress))
}
