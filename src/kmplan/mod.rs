//! The organisation's KM plan (แผนการจัดการความรู้): per fiscal year and
//! unit, an as-is assessment, KM scopes with the reasons they were chosen,
//! the knowledge each needs (areas found in Sala by their tags), activities
//! on the seven steps and six change elements, and indicators. KM officers
//! write plans, the KM committee reviews them, all staff read them.
//!
//! Write rules live here; `roles` keeps the site roles, `evidence` computes
//! what Sala already knows (area status, indicator figures), `views` is the
//! plan as a page shows it, `review` moves it through review and freezes
//! reporting rounds, `report` is the annual report's tables and chart.

pub mod evidence;
mod parts;
pub mod report;
pub mod review;
pub mod roles;
pub mod stored;
pub mod views;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::authz::{authorize_plan, PlanAction, Viewer};
use crate::db::schema::{
    km_activities as activities, km_areas as areas, km_indicators as indicators, km_plans as plans, km_scopes as scopes,
};
use crate::db::{now, write_tx, AnyConnection};
use crate::error::{Error, FieldError, Result, Validator};
pub use crate::vocab::{ActivityStatus, AreaStatus, IndicatorSource, KmStep, PlanPart, PlanStatus, ScopeCriterion};
pub use parts::{
    activity_plan, add_activity, add_area, add_entry, add_evidence, add_indicator, add_scope, part_plan, scope_plan,
    set_activity_status, NewActivity, NewArea, NewEntry, NewIndicator, NewScope,
};

/// Fiscal years a plan may name (Buddhist era).
const FIRST_YEAR: i32 = 2500;
const LAST_YEAR: i32 = 2700;
const MAX_TITLE: usize = 200;
const MAX_TEXT: usize = 5_000;
const MAX_TAGS_PER_AREA: usize = 10;
const MAX_URL: usize = 1_000;

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = plans)]
pub struct Plan {
    pub id: i64,
    /// Buddhist era: 2570 runs from 1 October 2026 to 30 September 2027.
    pub fiscal_year: i32,
    /// The organisational unit; empty for the whole organisation.
    pub unit: String,
    pub title: String,
    pub strengths: String,
    pub weaknesses: String,
    pub opportunities: String,
    pub threats: String,
    /// Lessons learned, for the annual report.
    pub lessons: String,
    pub status: PlanStatus,
    #[serde(skip)]
    pub owner_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = scopes)]
pub struct ScopeRow {
    pub id: i64,
    pub plan_id: i64,
    pub title: String,
    pub reason: String,
    pub criteria: String,
    pub desired_state: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = areas)]
pub struct AreaRow {
    pub id: i64,
    pub scope_id: i64,
    pub title: String,
    /// One tag per line.
    pub tags: String,
    pub community_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

impl AreaRow {
    pub fn tag_list(&self) -> Vec<String> {
        self.tags.lines().map(str::to_owned).filter(|t| !t.is_empty()).collect()
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = activities)]
pub struct ActivityRow {
    pub id: i64,
    pub scope_id: i64,
    pub title: String,
    pub step: KmStep,
    pub owner_id: Option<i64>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub status: ActivityStatus,
    pub link: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = indicators)]
pub struct IndicatorRow {
    pub id: i64,
    pub scope_id: i64,
    pub title: String,
    pub source: IndicatorSource,
    pub area_id: Option<i64>,
    pub target: f64,
    pub unit: String,
    pub created_at: NaiveDateTime,
}

/// A plan's heading and as-is assessment, as written.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PlanFields {
    pub fiscal_year: i32,
    pub title: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub strengths: String,
    #[serde(default)]
    pub weaknesses: String,
    #[serde(default)]
    pub opportunities: String,
    #[serde(default)]
    pub threats: String,
    #[serde(default)]
    pub lessons: String,
}

/// The account a typed username (with or without its `@`) names; an error
/// on `field` when there is none.
fn user_id(conn: &mut AnyConnection, field: &str, username: &str) -> Result<i64> {
    crate::db::schema::users::table
        .filter(crate::db::schema::users::username.eq(username.trim().trim_start_matches('@').to_lowercase()))
        .select(crate::db::schema::users::id)
        .first::<i64>(conn)
        .optional()?
        .ok_or_else(|| Error::invalid(field, "error-km-no-such-person"))
}

pub fn plan(conn: &mut AnyConnection, id: i64) -> Result<Plan> {
    Ok(plans::table.find(id).select(Plan::as_select()).first(conn)?)
}

/// Plans newest fiscal year first, for anyone signed in.
pub fn list(conn: &mut AnyConnection, viewer: Viewer) -> Result<Vec<Plan>> {
    authorize_plan(viewer, roles::of(conn, viewer)?, PlanAction::Read)?;
    Ok(plans::table.order((plans::fiscal_year.desc(), plans::unit.asc())).select(Plan::as_select()).load(conn)?)
}

/// The plan, if `viewer` may change it now: a KM officer or admin, and not
/// while the committee has it.
fn writable(conn: &mut AnyConnection, viewer: Viewer, plan_id: i64) -> Result<Plan> {
    authorize_plan(viewer, roles::of(conn, viewer)?, PlanAction::Write)?;
    let plan = plan(conn, plan_id)?;
    if plan.status == PlanStatus::Submitted {
        return Err(Error::Refused("error-km-plan-under-review"));
    }
    Ok(plan)
}

fn touch(conn: &mut AnyConnection, plan_id: i64) -> Result<()> {
    diesel::update(plans::table.find(plan_id)).set(plans::updated_at.eq(now())).execute(conn)?;
    Ok(())
}

fn validate_plan(fields: &PlanFields) -> Result<()> {
    let mut v = Validator::default();
    v.check(
        (FIRST_YEAR..=LAST_YEAR).contains(&fields.fiscal_year),
        FieldError::new("fiscal_year", "error-km-fiscal-year"),
    );
    v.line("title", &fields.title, MAX_TITLE);
    if !fields.unit.trim().is_empty() {
        v.line("unit", &fields.unit, MAX_TITLE);
    }
    for (field, text) in [
        ("strengths", &fields.strengths),
        ("weaknesses", &fields.weaknesses),
        ("opportunities", &fields.opportunities),
        ("threats", &fields.threats),
        ("lessons", &fields.lessons),
    ] {
        v.optional_text(field, text, MAX_TEXT);
    }
    v.finish()
}

/// The columns a writer fills, trimmed.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = plans)]
struct PlanColumns<'a> {
    fiscal_year: i32,
    unit: &'a str,
    title: &'a str,
    strengths: &'a str,
    weaknesses: &'a str,
    opportunities: &'a str,
    threats: &'a str,
    lessons: &'a str,
}

impl<'a> PlanColumns<'a> {
    fn of(fields: &'a PlanFields) -> PlanColumns<'a> {
        PlanColumns {
            fiscal_year: fields.fiscal_year,
            unit: fields.unit.trim(),
            title: fields.title.trim(),
            strengths: fields.strengths.trim(),
            weaknesses: fields.weaknesses.trim(),
            opportunities: fields.opportunities.trim(),
            threats: fields.threats.trim(),
            lessons: fields.lessons.trim(),
        }
    }
}

fn taken_year(conn: &mut AnyConnection, fields: &PlanFields, except: Option<i64>) -> Result<()> {
    let same: Vec<i64> = plans::table
        .filter(plans::fiscal_year.eq(fields.fiscal_year))
        .filter(plans::unit.eq(fields.unit.trim()))
        .select(plans::id)
        .load(conn)?;
    if same.iter().any(|id| Some(*id) != except) {
        return Err(Error::Conflict("fiscal_year"));
    }
    Ok(())
}

/// A new plan in draft, owned by its writer.
pub fn create(conn: &mut AnyConnection, viewer: Viewer, fields: &PlanFields) -> Result<Plan> {
    authorize_plan(viewer, roles::of(conn, viewer)?, PlanAction::Write)?;
    validate_plan(fields)?;
    write_tx(conn, |conn| {
        taken_year(conn, fields, None)?;
        let at = now();
        Ok(diesel::insert_into(plans::table)
            .values((
                PlanColumns::of(fields),
                plans::status.eq(PlanStatus::Draft),
                plans::owner_id.eq(viewer.user_id),
                plans::created_at.eq(at),
                plans::updated_at.eq(at),
            ))
            .returning(plans::all_columns)
            .get_result(conn)?)
    })
}

/// Rewrites the heading, the as-is assessment and the lessons.
pub fn update(conn: &mut AnyConnection, viewer: Viewer, plan_id: i64, fields: &PlanFields) -> Result<Plan> {
    writable(conn, viewer, plan_id)?;
    validate_plan(fields)?;
    write_tx(conn, |conn| {
        taken_year(conn, fields, Some(plan_id))?;
        Ok(diesel::update(plans::table.find(plan_id))
            .set((PlanColumns::of(fields), plans::updated_at.eq(now())))
            .returning(plans::all_columns)
            .get_result(conn)?)
    })
}
