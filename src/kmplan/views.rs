//! A plan as its page and `GET /api/v1/km-plans/{id}` show it: scopes with
//! their knowledge map (areas, status, people), activities with their
//! linked objects' progress, indicators with target, actual and the
//! quarter-by-quarter trend, the committee's comments and the frozen
//! reporting rounds.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::evidence::{self, AreaItem, LinkProgress, Range, UnitCount};
use super::review::{self, Round};
use super::stored::{indicator_figure, indicator_tags, scope_rows, Context, ScopeParts};
use super::{roles, AreaRow, Plan};
use crate::authz::{authorize_plan, can_plan, PlanAction, Viewer};
use crate::db::schema::{
    communities, km_comments as comments, km_evidence, km_indicator_entries as entries, km_indicators as indicators,
    km_plan_events as events, km_scopes as scopes, users,
};
use crate::db::AnyConnection;
use crate::error::Result;
use crate::experts::{self, Subject};
use crate::insights::period::{bangkok_today, Period};
use crate::vocab::{ActivityStatus, AreaStatus, IndicatorSource, KmStep, PlanPart, PlanStatus, ScopeCriterion};

/// People listed per knowledge area.
const PEOPLE_PER_AREA: usize = 5;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Person {
    pub username: String,
    pub display_name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemRef {
    pub id: i64,
    pub title: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AreaView {
    pub id: i64,
    pub title: String,
    pub tags: Vec<String>,
    /// The one community it looks in (slug); none for all, or when the
    /// reader may not see that community.
    pub community: Option<String>,
    pub status: AreaStatus,
    /// Knowledge items published (or published and due for review).
    pub published_items: i64,
    /// The published items this reader may open.
    pub items: Vec<ItemRef>,
    /// Who knows it, from who-knows-what (best first).
    pub people: Vec<Person>,
    /// One person holds this knowledge alone: a risk when they leave.
    pub single_holder: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EvidenceLink {
    pub url: String,
    pub note: String,
    pub added_at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ActivityView {
    pub id: i64,
    pub title: String,
    pub step: KmStep,
    pub owner: Option<Person>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    /// As its owner reported it.
    pub status: ActivityStatus,
    /// Done when its linked object is done (a knowledge item published, a
    /// question answered), else as reported.
    pub progress: ActivityStatus,
    pub link: Option<String>,
    pub linked: Option<LinkProgress>,
    pub evidence: Vec<EvidenceLink>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = entries)]
struct EntryRow {
    indicator_id: i64,
    value: f64,
    note: String,
    evidence_url: Option<String>,
    entered_by: Option<i64>,
    entered_at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EntryView {
    pub value: f64,
    pub note: String,
    pub evidence_url: Option<String>,
    pub entered_by: Option<Person>,
    pub entered_at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IndicatorView {
    pub id: i64,
    pub title: String,
    pub source: IndicatorSource,
    pub area_id: Option<i64>,
    pub target: f64,
    pub unit: String,
    /// The figure for the plan's fiscal year so far (a manual indicator's
    /// latest entry); none before any.
    pub actual: Option<f64>,
    /// `actual` as a share of `target`, in per cent.
    pub percent_of_target: Option<i64>,
    /// The figure quarter by quarter (October first), for the trend; none
    /// for quarters still to come.
    pub quarters: Vec<Option<f64>>,
    /// For "participants": how many people of each unit took part.
    pub by_unit: Vec<UnitCount>,
    /// A manual indicator's entries, oldest first.
    pub entries: Vec<EntryView>,
    pub evidence: Vec<EvidenceLink>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ScopeView {
    pub id: i64,
    pub title: String,
    pub reason: String,
    pub criteria: Vec<ScopeCriterion>,
    pub desired_state: String,
    pub areas: Vec<AreaView>,
    pub activities: Vec<ActivityView>,
    pub indicators: Vec<IndicatorView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CommentView {
    pub id: i64,
    pub subject: PlanPart,
    pub subject_id: i64,
    /// The commented part's title.
    pub subject_title: String,
    pub body: String,
    pub author: Option<Person>,
    pub created_at: NaiveDateTime,
    pub answer: Option<String>,
    pub answered_by: Option<Person>,
    pub answered_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub from_status: PlanStatus,
    pub to_status: PlanStatus,
    pub actor: Option<Person>,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanView {
    #[serde(flatten)]
    pub plan: Plan,
    /// The KM officer whose reading rights decide what evidence counts.
    pub owner: Option<Person>,
    /// The fiscal year's first and last day.
    pub period: Period,
    pub scopes: Vec<ScopeView>,
    pub comments: Vec<CommentView>,
    pub events: Vec<EventView>,
    pub rounds: Vec<Round>,
    /// The reader may change the plan now.
    pub may_write: bool,
    /// The reader sits on the KM committee.
    pub may_review: bool,
}

fn people(conn: &mut AnyConnection, ids: impl IntoIterator<Item = Option<i64>>) -> Result<HashMap<i64, Person>> {
    let ids: Vec<i64> = ids.into_iter().flatten().collect();
    let rows: Vec<(i64, String, String)> = users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::username, users::display_name))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, username, display_name)| (id, Person { username, display_name })).collect())
}

fn evidence_of(conn: &mut AnyConnection, plan_id: i64) -> Result<HashMap<(PlanPart, i64), Vec<EvidenceLink>>> {
    let rows: Vec<(PlanPart, i64, String, String, NaiveDateTime)> = km_evidence::table
        .filter(km_evidence::plan_id.eq(plan_id))
        .order(km_evidence::id.asc())
        .select((
            km_evidence::subject,
            km_evidence::subject_id,
            km_evidence::url,
            km_evidence::note,
            km_evidence::added_at,
        ))
        .load(conn)?;
    let mut by_part: HashMap<(PlanPart, i64), Vec<EvidenceLink>> = HashMap::new();
    for (part, id, url, note, added_at) in rows {
        by_part.entry((part, id)).or_default().push(EvidenceLink { url, note, added_at });
    }
    Ok(by_part)
}

fn area_view(
    conn: &mut AnyConnection,
    viewer: Viewer,
    viewer_reach: &[i64],
    found: &[AreaItem],
    area: &AreaRow,
) -> Result<AreaView> {
    // A private community's name stays hidden from readers outside it.
    let community = match area.community_id {
        Some(id) if viewer_reach.contains(&id) => {
            communities::table.find(id).select(communities::slug).first(conn).optional()?
        }
        _ => None,
    };
    let mut ranked: Vec<(f64, Person)> = Vec::new();
    for tag in area.tag_list() {
        for expert in experts::experts(conn, viewer, Subject::Tag(&tag))?.experts {
            match ranked.iter_mut().find(|(_, p)| p.username == expert.username) {
                Some(entry) => entry.0 += expert.score,
                None => {
                    ranked.push((expert.score, Person { username: expert.username, display_name: expert.display_name }))
                }
            }
        }
    }
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    let single_holder = ranked.len() == 1;
    let readable: Vec<i64> = found.iter().map(|i| i.id).collect();
    let open: Vec<i64> = crate::db::schema::knowledge_items::table
        .filter(crate::db::schema::knowledge_items::id.eq_any(readable))
        .filter(crate::db::schema::knowledge_items::community_id.eq_any(viewer_reach))
        .select(crate::db::schema::knowledge_items::id)
        .load(conn)?;
    Ok(AreaView {
        id: area.id,
        title: area.title.clone(),
        tags: area.tag_list(),
        community,
        status: evidence::area_status(found, bangkok_today()),
        published_items: evidence::published_count(found),
        items: found
            .iter()
            .filter(|i| {
                open.contains(&i.id) && i.published_at.is_some() && i.status != crate::vocab::ItemStatus::Archived
            })
            .map(|i| ItemRef { id: i.id, title: i.title.clone() })
            .collect(),
        people: ranked.into_iter().take(PEOPLE_PER_AREA).map(|(_, p)| p).collect(),
        single_holder,
    })
}

fn title_of(scopes: &[ScopeView], plan: &Plan, part: PlanPart, id: i64) -> String {
    let found = match part {
        PlanPart::Plan => Some(plan.title.clone()),
        PlanPart::Scope => scopes.iter().find(|s| s.id == id).map(|s| s.title.clone()),
        PlanPart::Area => scopes.iter().flat_map(|s| &s.areas).find(|a| a.id == id).map(|a| a.title.clone()),
        PlanPart::Activity => scopes.iter().flat_map(|s| &s.activities).find(|a| a.id == id).map(|a| a.title.clone()),
        PlanPart::Indicator => scopes.iter().flat_map(|s| &s.indicators).find(|a| a.id == id).map(|a| a.title.clone()),
    };
    found.unwrap_or_default()
}

/// The whole plan for one reader.
pub fn plan_view(conn: &mut AnyConnection, viewer: Viewer, plan_id: i64) -> Result<PlanView> {
    let roles = roles::of(conn, viewer)?;
    authorize_plan(viewer, roles, PlanAction::Read)?;
    let plan = super::plan(conn, plan_id)?;
    let ctx = Context::of(conn, &plan)?;
    let viewer_reach = evidence::readable(conn, viewer)?;
    let evidence_links = evidence_of(conn, plan_id)?;
    let rows = scope_rows(conn, plan_id)?;
    let entry_rows: Vec<EntryRow> = entries::table
        .inner_join(indicators::table.inner_join(scopes::table))
        .filter(scopes::plan_id.eq(plan_id))
        .order((entries::entered_at.asc(), entries::id.asc()))
        .select(EntryRow::as_select())
        .load(conn)?;
    let comment_rows: Vec<review::CommentRow> = comments::table
        .filter(comments::plan_id.eq(plan_id))
        .order(comments::id.asc())
        .select(review::CommentRow::as_select())
        .load(conn)?;
    let event_rows: Vec<(String, String, Option<i64>, NaiveDateTime)> = events::table
        .filter(events::plan_id.eq(plan_id))
        .order(events::id.asc())
        .select((events::from_status, events::to_status, events::actor_id, events::at))
        .load(conn)?;
    let mut ids: Vec<Option<i64>> = vec![plan.owner_id];
    ids.extend(rows.iter().flat_map(|parts| parts.activities.iter().map(|a| a.owner_id)));
    ids.extend(entry_rows.iter().map(|e| e.entered_by));
    ids.extend(comment_rows.iter().flat_map(|c| [c.author_id, c.answered_by]));
    ids.extend(event_rows.iter().map(|e| e.2));
    let who = people(conn, ids)?;
    let person = |id: Option<i64>| id.and_then(|id| who.get(&id).cloned());

    let today = bangkok_today();
    let quarters: Vec<(Range, bool)> = (1..=4)
        .map(|q| Period::quarter(plan.fiscal_year, q))
        .map(|quarter| (quarter.utc_range(), quarter.from <= today))
        .collect();
    let mut scope_views = Vec::new();
    for ScopeParts { scope, areas: area_rows, activities: activity_rows, indicators: indicator_rows } in rows {
        let mut area_views = Vec::new();
        for area in &area_rows {
            let found = evidence::area_items(conn, &ctx.reach, area)?;
            area_views.push(area_view(conn, viewer, &viewer_reach, &found, area)?);
        }
        let mut activity_views = Vec::new();
        for activity in activity_rows {
            let linked = match &activity.link {
                Some(link) => evidence::link_progress(conn, &viewer_reach, link, ctx.range)?,
                None => None,
            };
            let done = linked.as_ref().and_then(|l| l.done) == Some(true);
            let progress = if done && activity.status != ActivityStatus::Cancelled {
                ActivityStatus::Done
            } else {
                activity.status
            };
            activity_views.push(ActivityView {
                id: activity.id,
                title: activity.title,
                step: activity.step,
                owner: person(activity.owner_id),
                starts_on: activity.starts_on,
                ends_on: activity.ends_on,
                status: activity.status,
                progress,
                link: activity.link,
                linked,
                evidence: evidence_links.get(&(PlanPart::Activity, activity.id)).cloned().unwrap_or_default(),
            });
        }
        let mut indicator_views = Vec::new();
        for indicator in indicator_rows {
            let actual = indicator_figure(conn, &ctx, &indicator, &area_rows, ctx.range)?;
            let mut trend = Vec::new();
            for (quarter, started) in &quarters {
                // A quarter still to come has no figure yet, not a zero.
                let figure =
                    if *started { indicator_figure(conn, &ctx, &indicator, &area_rows, *quarter)? } else { None };
                trend.push(figure);
            }
            let by_unit = match indicator.source {
                IndicatorSource::Participants => evidence::participants_by_unit(
                    conn,
                    &ctx.reach,
                    &indicator_tags(&indicator, &area_rows),
                    ctx.range,
                )?,
                _ => Vec::new(),
            };
            let entries = entry_rows
                .iter()
                .filter(|e| e.indicator_id == indicator.id)
                .map(|e| EntryView {
                    value: e.value,
                    note: e.note.clone(),
                    evidence_url: e.evidence_url.clone(),
                    entered_by: person(e.entered_by),
                    entered_at: e.entered_at,
                })
                .collect();
            indicator_views.push(IndicatorView {
                id: indicator.id,
                title: indicator.title,
                source: indicator.source,
                area_id: indicator.area_id,
                target: indicator.target,
                unit: indicator.unit,
                actual,
                percent_of_target: evidence::percent_of_target(indicator.target, actual),
                quarters: trend,
                by_unit,
                entries,
                evidence: evidence_links.get(&(PlanPart::Indicator, indicator.id)).cloned().unwrap_or_default(),
            });
        }
        scope_views.push(ScopeView {
            id: scope.id,
            title: scope.title,
            reason: scope.reason,
            criteria: scope.criteria.lines().filter_map(ScopeCriterion::parse).collect(),
            desired_state: scope.desired_state,
            areas: area_views,
            activities: activity_views,
            indicators: indicator_views,
        });
    }
    let comments = comment_rows
        .into_iter()
        .map(|c| CommentView {
            id: c.id,
            subject: c.subject,
            subject_id: c.subject_id,
            subject_title: title_of(&scope_views, &plan, c.subject, c.subject_id),
            body: c.body,
            author: person(c.author_id),
            created_at: c.created_at,
            answer: c.answer,
            answered_by: person(c.answered_by),
            answered_at: c.answered_at,
        })
        .collect();
    let events = event_rows
        .into_iter()
        .filter_map(|(from, to, actor, at)| {
            Some(EventView {
                from_status: PlanStatus::parse(&from)?,
                to_status: PlanStatus::parse(&to)?,
                actor: person(actor),
                at,
            })
        })
        .collect();
    let rounds = review::rounds(conn, plan_id)?;
    let may_write = can_plan(viewer, roles, PlanAction::Write) && plan.status != PlanStatus::Submitted;
    let may_review = can_plan(viewer, roles, PlanAction::Review);
    Ok(PlanView {
        owner: person(plan.owner_id),
        period: ctx.period,
        plan,
        scopes: scope_views,
        comments,
        events,
        rounds,
        may_write,
        may_review,
    })
}
