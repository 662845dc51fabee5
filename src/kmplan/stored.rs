//! A plan's scopes as stored, each with its parts, and what the plan's
//! figures are counted over: the communities within the owner's reach and
//! the fiscal year. Shared by the read model (`views`) and the reporting
//! rounds (`review`).

use diesel::prelude::*;

use super::evidence::{self, Range};
use super::{ActivityRow, AreaRow, IndicatorRow, Plan, ScopeRow};
use crate::db::schema::{
    km_activities as activities, km_areas as areas, km_indicator_entries as entries, km_indicators as indicators,
    km_scopes as scopes,
};
use crate::db::AnyConnection;
use crate::error::Result;
use crate::insights::period::Period;
use crate::vocab::IndicatorSource;

/// What the plan's figures are counted over.
pub struct Context {
    pub reach: Vec<i64>,
    /// The plan's unit; none for the whole organisation.
    pub unit: Option<String>,
    pub range: Range,
    pub period: Period,
}

impl Context {
    pub fn of(conn: &mut AnyConnection, plan: &Plan) -> Result<Context> {
        let period = Period::fiscal_year(plan.fiscal_year);
        Ok(Context {
            reach: evidence::reach_of(conn, plan)?,
            unit: Some(plan.unit.clone()).filter(|u| !u.is_empty()),
            range: period.utc_range(),
            period,
        })
    }
}

/// An indicator's tags: its area's, or every area's of its scope.
pub fn indicator_tags(indicator: &IndicatorRow, scope_areas: &[AreaRow]) -> Vec<String> {
    let mut tags: Vec<String> = scope_areas
        .iter()
        .filter(|a| indicator.area_id.is_none_or(|id| id == a.id))
        .flat_map(AreaRow::tag_list)
        .collect();
    tags.sort();
    tags.dedup();
    tags
}

/// An indicator's figure over `range`: computed, or the latest entry made
/// before its end.
pub fn indicator_figure(
    conn: &mut AnyConnection,
    ctx: &Context,
    indicator: &IndicatorRow,
    scope_areas: &[AreaRow],
    range: Range,
) -> Result<Option<f64>> {
    if indicator.source == IndicatorSource::Manual {
        return Ok(entries::table
            .filter(entries::indicator_id.eq(indicator.id))
            .filter(entries::entered_at.lt(range.1))
            .order((entries::entered_at.desc(), entries::id.desc()))
            .select(entries::value)
            .first(conn)
            .optional()?);
    }
    let tags = indicator_tags(indicator, scope_areas);
    evidence::figure(conn, indicator.source, &ctx.reach, ctx.unit.as_deref(), &tags, range)
}

/// One scope's rows and the rows of its parts.
pub struct ScopeParts {
    pub scope: ScopeRow,
    pub areas: Vec<AreaRow>,
    pub activities: Vec<ActivityRow>,
    pub indicators: Vec<IndicatorRow>,
}

/// The plan's scopes, each with its areas, activities and indicators as
/// stored.
pub fn scope_rows(conn: &mut AnyConnection, plan_id: i64) -> Result<Vec<ScopeParts>> {
    let scope_list: Vec<ScopeRow> = scopes::table
        .filter(scopes::plan_id.eq(plan_id))
        .order(scopes::id.asc())
        .select(ScopeRow::as_select())
        .load(conn)?;
    let ids: Vec<i64> = scope_list.iter().map(|s| s.id).collect();
    let area_list: Vec<AreaRow> = areas::table
        .filter(areas::scope_id.eq_any(&ids))
        .order(areas::id.asc())
        .select(AreaRow::as_select())
        .load(conn)?;
    let activity_list: Vec<ActivityRow> = activities::table
        .filter(activities::scope_id.eq_any(&ids))
        .order((activities::starts_on.asc(), activities::id.asc()))
        .select(ActivityRow::as_select())
        .load(conn)?;
    let indicator_list: Vec<IndicatorRow> = indicators::table
        .filter(indicators::scope_id.eq_any(&ids))
        .order(indicators::id.asc())
        .select(IndicatorRow::as_select())
        .load(conn)?;
    Ok(scope_list
        .into_iter()
        .map(|scope| {
            let of = |sid: i64| sid == scope.id;
            ScopeParts {
                areas: area_list.iter().filter(|r| of(r.scope_id)).cloned().collect(),
                activities: activity_list.iter().filter(|r| of(r.scope_id)).cloned().collect(),
                indicators: indicator_list.iter().filter(|r| of(r.scope_id)).cloned().collect(),
                scope,
            }
        })
        .collect())
}
