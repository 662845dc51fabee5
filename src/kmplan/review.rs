//! A plan's way through the KM committee — draft → submitted → returned
//! with comments → submitted again → approved — and its reporting rounds,
//! each a snapshot of every indicator and area that later edits (or an
//! archived knowledge item) cannot change.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::stored::{indicator_figure, scope_rows, Context, ScopeParts};
use super::{evidence, part_plan, plan, roles};
use crate::authz::{authorize_plan, PlanAction, Viewer};
use crate::db::schema::{
    km_comments as comments, km_plan_events as events, km_plans as plans, km_rounds as rounds, users,
};
use crate::db::{now, write_tx, AnyConnection};
use crate::error::{Context as _, Error, Result, Validator};
use crate::insights::period::bangkok_today;
use crate::vocab::{AreaStatus, IndicatorSource, PlanPart, PlanStatus};

const MAX_COMMENT: usize = 5_000;
const MAX_LABEL: usize = 100;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = comments)]
pub struct CommentRow {
    pub id: i64,
    pub plan_id: i64,
    pub subject: PlanPart,
    pub subject_id: i64,
    pub body: String,
    pub author_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub answer: Option<String>,
    pub answered_by: Option<i64>,
    pub answered_at: Option<NaiveDateTime>,
}

/// Moves the plan to `to`, if the rules allow it from where it is:
/// writers submit a draft or a returned plan (every comment answered);
/// reviewers return a submitted plan with at least one open comment, or
/// approve it.
pub fn move_to(conn: &mut AnyConnection, viewer: Viewer, plan_id: i64, to: PlanStatus) -> Result<PlanStatus> {
    let held = roles::of(conn, viewer)?;
    let action = match to {
        PlanStatus::Submitted => PlanAction::Write,
        PlanStatus::Returned | PlanStatus::Approved => PlanAction::Review,
        PlanStatus::Draft => return Err(Error::invalid("to", "error-invalid-choice")),
    };
    authorize_plan(viewer, held, action)?;
    write_tx(conn, |conn| {
        let from = plan(conn, plan_id)?.status;
        let open: i64 = comments::table
            .filter(comments::plan_id.eq(plan_id))
            .filter(comments::answer.is_null())
            .count()
            .get_result(conn)?;
        match (from, to) {
            (PlanStatus::Draft | PlanStatus::Returned, PlanStatus::Submitted) => {
                if scope_rows(conn, plan_id)?.is_empty() {
                    return Err(Error::Refused("error-km-plan-empty"));
                }
                if open > 0 {
                    return Err(Error::Refused("error-km-comments-unanswered"));
                }
            }
            (PlanStatus::Submitted, PlanStatus::Returned) if open == 0 => {
                return Err(Error::Refused("error-km-return-needs-comment"))
            }
            (PlanStatus::Submitted, PlanStatus::Returned | PlanStatus::Approved) => {}
            _ => return Err(Error::Refused("error-km-plan-wrong-state")),
        }
        let at = now();
        diesel::update(plans::table.find(plan_id))
            .set((plans::status.eq(to), plans::updated_at.eq(at)))
            .execute(conn)?;
        diesel::insert_into(events::table)
            .values((
                events::plan_id.eq(plan_id),
                events::from_status.eq(from.as_str()),
                events::to_status.eq(to.as_str()),
                events::actor_id.eq(viewer.user_id),
                events::at.eq(at),
            ))
            .execute(conn)?;
        Ok(to)
    })
}

/// A reviewer's comment on the plan or one of its parts.
pub fn comment(
    conn: &mut AnyConnection,
    viewer: Viewer,
    plan_id: i64,
    part: PlanPart,
    part_id: i64,
    body: &str,
) -> Result<i64> {
    authorize_plan(viewer, roles::of(conn, viewer)?, PlanAction::Review)?;
    if part_plan(conn, part, part_id).ok() != Some(plan_id) {
        return Err(Error::invalid("subject", "error-km-not-in-plan"));
    }
    Validator::default().text("body", body, MAX_COMMENT).finish()?;
    Ok(diesel::insert_into(comments::table)
        .values((
            comments::plan_id.eq(plan_id),
            comments::subject.eq(part),
            comments::subject_id.eq(part_id),
            comments::body.eq(body.trim()),
            comments::author_id.eq(viewer.user_id),
            comments::created_at.eq(now()),
        ))
        .returning(comments::id)
        .get_result(conn)?)
}

/// The plan's writers answer a comment, once.
pub fn answer(conn: &mut AnyConnection, viewer: Viewer, comment_id: i64, text: &str) -> Result<i64> {
    authorize_plan(viewer, roles::of(conn, viewer)?, PlanAction::Write)?;
    Validator::default().text("answer", text, MAX_COMMENT).finish()?;
    let plan_id: i64 = comments::table.find(comment_id).select(comments::plan_id).first(conn)?;
    let answered = diesel::update(comments::table.find(comment_id).filter(comments::answer.is_null()))
        .set((
            comments::answer.eq(text.trim()),
            comments::answered_by.eq(viewer.user_id),
            comments::answered_at.eq(now()),
        ))
        .execute(conn)?;
    if answered == 0 {
        return Err(Error::Refused("error-km-comment-answered"));
    }
    Ok(plan_id)
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FrozenIndicator {
    pub id: i64,
    pub scope: String,
    pub title: String,
    pub source: IndicatorSource,
    pub target: f64,
    pub unit: String,
    pub actual: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FrozenArea {
    pub id: i64,
    pub scope: String,
    pub title: String,
    pub status: AreaStatus,
    pub published_items: i64,
}

/// Every indicator's and area's figures as they stood.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Snapshot {
    pub indicators: Vec<FrozenIndicator>,
    pub areas: Vec<FrozenArea>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Round {
    pub id: i64,
    /// Its name, e.g. "6 months".
    pub label: String,
    pub taken_at: NaiveDateTime,
    pub taken_by: Option<String>,
    pub snapshot: Snapshot,
}

/// Counts everything now, as a reporting round keeps it.
pub fn snapshot(conn: &mut AnyConnection, plan_id: i64) -> Result<Snapshot> {
    let plan = plan(conn, plan_id)?;
    let ctx = Context::of(conn, &plan)?;
    let mut frozen = Snapshot::default();
    for ScopeParts { scope, areas: area_rows, indicators: indicator_rows, .. } in scope_rows(conn, plan_id)? {
        for area in &area_rows {
            let found = evidence::area_items(conn, &ctx.reach, area)?;
            frozen.areas.push(FrozenArea {
                id: area.id,
                scope: scope.title.clone(),
                title: area.title.clone(),
                status: evidence::area_status(&found, bangkok_today()),
                published_items: evidence::published_count(&found),
            });
        }
        for indicator in &indicator_rows {
            frozen.indicators.push(FrozenIndicator {
                id: indicator.id,
                scope: scope.title.clone(),
                title: indicator.title.clone(),
                source: indicator.source,
                target: indicator.target,
                unit: indicator.unit.clone(),
                actual: indicator_figure(conn, &ctx, indicator, &area_rows, ctx.range)?,
            });
        }
    }
    Ok(frozen)
}

/// Freezes a reporting round.
pub fn take_round(conn: &mut AnyConnection, viewer: Viewer, plan_id: i64, label: &str) -> Result<i64> {
    authorize_plan(viewer, roles::of(conn, viewer)?, PlanAction::Write)?;
    Validator::default().line("label", label, MAX_LABEL).finish()?;
    let frozen = snapshot(conn, plan_id)?;
    let json = serde_json::to_string(&frozen).context("writing a reporting round")?;
    Ok(diesel::insert_into(rounds::table)
        .values((
            rounds::plan_id.eq(plan_id),
            rounds::label.eq(label.trim()),
            rounds::snapshot.eq(json),
            rounds::taken_by.eq(viewer.user_id),
            rounds::taken_at.eq(now()),
        ))
        .returning(rounds::id)
        .get_result(conn)?)
}

/// A plan's rounds, oldest first.
pub fn rounds(conn: &mut AnyConnection, plan_id: i64) -> Result<Vec<Round>> {
    let rows: Vec<(i64, String, String, NaiveDateTime, Option<String>)> = rounds::table
        .left_join(users::table.on(users::id.nullable().eq(rounds::taken_by)))
        .filter(rounds::plan_id.eq(plan_id))
        .order(rounds::id.asc())
        .select((rounds::id, rounds::label, rounds::snapshot, rounds::taken_at, users::display_name.nullable()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, label, json, taken_at, taken_by)| Round {
            id,
            label,
            taken_at,
            taken_by,
            snapshot: serde_json::from_str(&json).unwrap_or_default(),
        })
        .collect())
}
