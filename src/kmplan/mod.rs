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
pub mod report;
pub mod review;
pub mod roles;
pub mod views;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::authz::{authorize_plan, PlanAction, Viewer};
use crate::db::schema::{
    communities, km_activities as activities, km_areas as areas, km_evidence, km_indicator_entries as entries,
    km_indicators as indicators, km_plans as plans, km_scopes as scopes, users,
};
use crate::db::{now, write_tx, AnyConnection};
use crate::error::{Error, FieldError, Result, Validator};
pub use crate::vocab::{ActivityStatus, AreaStatus, IndicatorSource, KmStep, PlanPart, PlanStatus, ScopeCriterion};

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

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewScope {
    pub title: String,
    /// Why this scope, in words.
    pub reason: String,
    /// The selection criteria it meets.
    #[serde(default)]
    pub criteria: Vec<ScopeCriterion>,
    /// The desired state (Desired State) the scope aims for.
    #[serde(default)]
    pub desired_state: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewArea {
    pub title: String,
    /// The tags that find this knowledge in Sala.
    pub tags: Vec<String>,
    /// Only this community's knowledge (its slug); none for all.
    #[serde(default)]
    pub community: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewActivity {
    pub title: String,
    pub step: KmStep,
    /// The responsible person's username.
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub starts_on: Option<NaiveDate>,
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
    #[serde(default = "planned")]
    pub status: ActivityStatus,
    /// A Sala object the activity works through: `community:<slug>`,
    /// `board:<id>`, `tag:<tag>`, `knowledge:<id>` or `thread:<id>`.
    #[serde(default)]
    pub link: Option<String>,
}

fn planned() -> ActivityStatus {
    ActivityStatus::Planned
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewIndicator {
    pub title: String,
    pub source: IndicatorSource,
    /// Count only this knowledge area's evidence; none for the whole scope.
    #[serde(default)]
    pub area_id: Option<i64>,
    pub target: f64,
    /// What the figure counts in (people, items, %…), as shown.
    #[serde(default)]
    pub unit: String,
}

/// A figure entered by hand for a manual indicator.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewEntry {
    pub value: f64,
    /// Where the figure comes from.
    pub note: String,
    /// A link to the proof (a document, a photo, a page).
    #[serde(default)]
    pub evidence_url: Option<String>,
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

pub fn scope_plan(conn: &mut AnyConnection, scope_id: i64) -> Result<i64> {
    Ok(scopes::table.find(scope_id).select(scopes::plan_id).first(conn)?)
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

pub fn add_scope(conn: &mut AnyConnection, viewer: Viewer, plan_id: i64, input: &NewScope) -> Result<i64> {
    writable(conn, viewer, plan_id)?;
    let mut v = Validator::default();
    v.line("title", &input.title, MAX_TITLE).text("reason", &input.reason, MAX_TEXT).optional_text(
        "desired_state",
        &input.desired_state,
        MAX_TEXT,
    );
    v.finish()?;
    let mut criteria: Vec<&str> = input.criteria.iter().map(|c| c.as_str()).collect();
    criteria.dedup();
    write_tx(conn, |conn| {
        touch(conn, plan_id)?;
        Ok(diesel::insert_into(scopes::table)
            .values((
                scopes::plan_id.eq(plan_id),
                scopes::title.eq(input.title.trim()),
                scopes::reason.eq(input.reason.trim()),
                scopes::criteria.eq(criteria.join("\n")),
                scopes::desired_state.eq(input.desired_state.trim()),
                scopes::created_at.eq(now()),
            ))
            .returning(scopes::id)
            .get_result(conn)?)
    })
}

pub fn add_area(conn: &mut AnyConnection, viewer: Viewer, scope_id: i64, input: &NewArea) -> Result<i64> {
    let plan_id = scope_plan(conn, scope_id)?;
    writable(conn, viewer, plan_id)?;
    let mut v = Validator::default();
    v.line("title", &input.title, MAX_TITLE);
    let tags = crate::tags::validate(&mut v, "tags", &input.tags.join(","), MAX_TAGS_PER_AREA);
    v.check(!tags.is_empty(), FieldError::new("tags", "error-required"));
    v.finish()?;
    let community_id = match input.community.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(slug) => Some(
            communities::table
                .filter(communities::slug.eq(slug))
                .select(communities::id)
                .first::<i64>(conn)
                .optional()?
                .ok_or_else(|| Error::invalid("community", "error-km-no-such-community"))?,
        ),
        None => None,
    };
    write_tx(conn, |conn| {
        touch(conn, plan_id)?;
        Ok(diesel::insert_into(areas::table)
            .values((
                areas::scope_id.eq(scope_id),
                areas::title.eq(input.title.trim()),
                areas::tags.eq(tags.join("\n")),
                areas::community_id.eq(community_id),
                areas::created_at.eq(now()),
            ))
            .returning(areas::id)
            .get_result(conn)?)
    })
}

/// `kind:value` of an activity's link, checked: the object must exist.
fn checked_link(conn: &mut AnyConnection, raw: &str) -> Result<Option<String>> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let bad = || Error::invalid("link", "error-km-link");
    let (kind, value) = raw.split_once(':').ok_or_else(bad)?;
    let found = match evidence::LinkKind::parse(kind.trim()).ok_or_else(bad)? {
        evidence::LinkKind::Tag => !crate::tags::normalise(value).is_empty(),
        kind => evidence::link_exists(conn, kind, value.trim())?,
    };
    if !found {
        return Err(bad());
    }
    Ok(Some(format!("{}:{}", kind.trim(), value.trim())))
}

fn user_id_of(conn: &mut AnyConnection, username: Option<&str>) -> Result<Option<i64>> {
    match username.map(str::trim).filter(|s| !s.is_empty()) {
        Some(name) => Ok(Some(
            users::table
                .filter(users::username.eq(name.trim_start_matches('@').to_lowercase()))
                .select(users::id)
                .first::<i64>(conn)
                .optional()?
                .ok_or_else(|| Error::invalid("owner", "error-km-no-such-person"))?,
        )),
        None => Ok(None),
    }
}

pub fn add_activity(conn: &mut AnyConnection, viewer: Viewer, scope_id: i64, input: &NewActivity) -> Result<i64> {
    let plan_id = scope_plan(conn, scope_id)?;
    writable(conn, viewer, plan_id)?;
    let mut v = Validator::default();
    v.line("title", &input.title, MAX_TITLE);
    if let (Some(from), Some(to)) = (input.starts_on, input.ends_on) {
        v.check(from <= to, FieldError::new("ends_on", "error-km-dates"));
    }
    v.finish()?;
    let owner_id = user_id_of(conn, input.owner.as_deref())?;
    let link = checked_link(conn, input.link.as_deref().unwrap_or(""))?;
    write_tx(conn, |conn| {
        touch(conn, plan_id)?;
        Ok(diesel::insert_into(activities::table)
            .values((
                activities::scope_id.eq(scope_id),
                activities::title.eq(input.title.trim()),
                activities::step.eq(input.step),
                activities::owner_id.eq(owner_id),
                activities::starts_on.eq(input.starts_on),
                activities::ends_on.eq(input.ends_on),
                activities::status.eq(input.status),
                activities::link.eq(&link),
                activities::created_at.eq(now()),
            ))
            .returning(activities::id)
            .get_result(conn)?)
    })
}

pub fn activity_plan(conn: &mut AnyConnection, activity_id: i64) -> Result<i64> {
    let scope_id: i64 = activities::table.find(activity_id).select(activities::scope_id).first(conn)?;
    scope_plan(conn, scope_id)
}

/// Progress as the activity's owner reports it (a linked object's progress
/// shows beside it).
pub fn set_activity_status(
    conn: &mut AnyConnection,
    viewer: Viewer,
    activity_id: i64,
    status: ActivityStatus,
) -> Result<()> {
    let plan_id = activity_plan(conn, activity_id)?;
    writable(conn, viewer, plan_id)?;
    write_tx(conn, |conn| {
        touch(conn, plan_id)?;
        diesel::update(activities::table.find(activity_id)).set(activities::status.eq(status)).execute(conn)?;
        Ok(())
    })
}

pub fn add_indicator(conn: &mut AnyConnection, viewer: Viewer, scope_id: i64, input: &NewIndicator) -> Result<i64> {
    let plan_id = scope_plan(conn, scope_id)?;
    writable(conn, viewer, plan_id)?;
    let mut v = Validator::default();
    v.line("title", &input.title, MAX_TITLE);
    v.check(input.target.is_finite() && input.target >= 0.0, FieldError::new("target", "error-km-target"));
    if !input.unit.trim().is_empty() {
        v.line("unit", &input.unit, 40);
    }
    v.finish()?;
    if let Some(area_id) = input.area_id {
        let area_scope: Option<i64> = areas::table.find(area_id).select(areas::scope_id).first(conn).optional()?;
        if area_scope != Some(scope_id) {
            return Err(Error::invalid("area_id", "error-km-area-of-scope"));
        }
    }
    write_tx(conn, |conn| {
        touch(conn, plan_id)?;
        Ok(diesel::insert_into(indicators::table)
            .values((
                indicators::scope_id.eq(scope_id),
                indicators::title.eq(input.title.trim()),
                indicators::source.eq(input.source),
                indicators::area_id.eq(input.area_id),
                indicators::target.eq(input.target),
                indicators::unit.eq(input.unit.trim()),
                indicators::created_at.eq(now()),
            ))
            .returning(indicators::id)
            .get_result(conn)?)
    })
}

fn indicator_plan(conn: &mut AnyConnection, indicator_id: i64) -> Result<(i64, IndicatorSource)> {
    let (scope_id, source): (i64, IndicatorSource) =
        indicators::table.find(indicator_id).select((indicators::scope_id, indicators::source)).first(conn)?;
    Ok((scope_plan(conn, scope_id)?, source))
}

fn validate_url(v: &mut Validator, field: &str, url: &str) {
    let url = url.trim();
    let ok =
        url.len() <= MAX_URL && (url.starts_with("https://") || url.starts_with("http://") || url.starts_with('/'));
    v.check(ok && !url.contains(char::is_whitespace), FieldError::new(field, "error-km-url"));
}

/// A manual indicator's new figure; earlier ones stay as its history.
pub fn add_entry(conn: &mut AnyConnection, viewer: Viewer, indicator_id: i64, input: &NewEntry) -> Result<i64> {
    let (plan_id, source) = indicator_plan(conn, indicator_id)?;
    writable(conn, viewer, plan_id)?;
    if source != IndicatorSource::Manual {
        return Err(Error::Refused("error-km-indicator-computed"));
    }
    let mut v = Validator::default();
    v.check(input.value.is_finite(), FieldError::new("value", "error-km-target"));
    v.text("note", &input.note, MAX_TEXT);
    let url = input.evidence_url.as_deref().map(str::trim).filter(|u| !u.is_empty());
    if let Some(url) = url {
        validate_url(&mut v, "evidence_url", url);
    }
    v.finish()?;
    write_tx(conn, |conn| {
        touch(conn, plan_id)?;
        Ok(diesel::insert_into(entries::table)
            .values((
                entries::indicator_id.eq(indicator_id),
                entries::value.eq(input.value),
                entries::note.eq(input.note.trim()),
                entries::evidence_url.eq(url),
                entries::entered_by.eq(viewer.user_id),
                entries::entered_at.eq(now()),
            ))
            .returning(entries::id)
            .get_result(conn)?)
    })
}

/// The plan a part belongs to, if the part exists.
pub fn part_plan(conn: &mut AnyConnection, part: PlanPart, id: i64) -> Result<i64> {
    match part {
        PlanPart::Plan => Ok(plan(conn, id)?.id),
        PlanPart::Scope => scope_plan(conn, id),
        PlanPart::Area => {
            let scope_id: i64 = areas::table.find(id).select(areas::scope_id).first(conn)?;
            scope_plan(conn, scope_id)
        }
        PlanPart::Activity => activity_plan(conn, id),
        PlanPart::Indicator => Ok(indicator_plan(conn, id)?.0),
    }
}

/// Evidence (a link to a file, a page, a photo) on an activity or indicator.
pub fn add_evidence(
    conn: &mut AnyConnection,
    viewer: Viewer,
    part: PlanPart,
    part_id: i64,
    url: &str,
    note: &str,
) -> Result<i64> {
    if !matches!(part, PlanPart::Activity | PlanPart::Indicator) {
        return Err(Error::invalid("subject", "error-invalid-choice"));
    }
    let plan_id = part_plan(conn, part, part_id)?;
    writable(conn, viewer, plan_id)?;
    let mut v = Validator::default();
    validate_url(&mut v, "url", url);
    v.optional_text("note", note, MAX_TEXT);
    v.finish()?;
    write_tx(conn, |conn| {
        touch(conn, plan_id)?;
        Ok(diesel::insert_into(km_evidence::table)
            .values((
                km_evidence::plan_id.eq(plan_id),
                km_evidence::subject.eq(part),
                km_evidence::subject_id.eq(part_id),
                km_evidence::url.eq(url.trim()),
                km_evidence::note.eq(note.trim()),
                km_evidence::added_by.eq(viewer.user_id),
                km_evidence::added_at.eq(now()),
            ))
            .returning(km_evidence::id)
            .get_result(conn)?)
    })
}
