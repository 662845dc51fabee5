//! Write rules for a plan's parts: scopes, knowledge areas, activities,
//! indicators and their entries, evidence. Each checks that the viewer may
//! write the plan now (`super::writable`) and marks the plan updated.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Deserialize;

use super::{evidence, touch, writable, ActivityStatus, IndicatorSource, KmStep, PlanPart, ScopeCriterion};
use super::{MAX_TAGS_PER_AREA, MAX_TEXT, MAX_TITLE, MAX_URL};
use crate::authz::Viewer;
use crate::db::schema::{
    communities, km_activities as activities, km_areas as areas, km_evidence, km_indicator_entries as entries,
    km_indicators as indicators, km_scopes as scopes,
};
use crate::db::{now, write_tx, AnyConnection};
use crate::error::{Error, FieldError, Result, Validator};

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

pub fn scope_plan(conn: &mut AnyConnection, scope_id: i64) -> Result<i64> {
    Ok(scopes::table.find(scope_id).select(scopes::plan_id).first(conn)?)
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
        Some(name) => Ok(Some(super::user_id(conn, "owner", name)?)),
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
        PlanPart::Plan => Ok(super::plan(conn, id)?.id),
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
