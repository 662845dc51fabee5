//! KM insights: is the system used, what knowledge did it produce, did work
//! get better, and where are the gaps — per community (its facilitators)
//! or site-wide (admins), for a period (`period`), each figure beside the
//! period before. Everything is counted from what Sala already holds;
//! nothing here writes. The figures are in [`figures`], the gaps in
//! [`gaps`], recognition in [`recognition`], charts and spreadsheets in
//! [`export`].

pub mod export;
pub mod figures;
pub mod gaps;
pub mod period;
pub mod recognition;

use diesel::prelude::*;
use serde::Serialize;

use crate::authz::{Action, Viewer};
use crate::communities::{self, Community};
use crate::db::schema::communities as communities_t;
use crate::db::AnyConnection;
use crate::error::{Error, Result};

pub use figures::{Outcome, Output, System};
pub use gaps::Gaps;
pub use period::{Period, PeriodQuery};

/// Whose insights: one community's, or the whole site's.
#[derive(Debug, Clone)]
pub enum Scope {
    Community(Community),
    Site,
}

impl Scope {
    /// The scope a viewer asks for, if they may see it: a community's to its
    /// facilitators (and admins), the site's to admins. A private community
    /// is missing to outsiders, as everywhere.
    pub fn for_viewer(conn: &mut AnyConnection, viewer: Viewer, community: Option<&str>) -> Result<Scope> {
        Ok(match communities::community_or_site(conn, viewer, community, Action::ViewInsights)? {
            Some(community) => Scope::Community(community),
            None => Scope::Site,
        })
    }

    /// The scope of a recognition page: a community's to those who may read
    /// it, the site's to anyone signed in.
    pub fn for_reader(conn: &mut AnyConnection, viewer: Viewer, community: Option<&str>) -> Result<Scope> {
        match community.map(str::trim).filter(|s| !s.is_empty()) {
            Some(slug) => Ok(Scope::Community(communities::readable(conn, viewer, slug)?.0)),
            None if viewer.user_id.is_none() => Err(Error::Unauthenticated),
            None => Ok(Scope::Site),
        }
    }

    /// The communities counted.
    pub fn community_ids(&self, conn: &mut AnyConnection) -> Result<Vec<i64>> {
        Ok(match self {
            Scope::Community(c) => vec![c.id],
            Scope::Site => communities_t::table.select(communities_t::id).load(conn)?,
        })
    }

    pub fn community_id(&self) -> Option<i64> {
        match self {
            Scope::Community(c) => Some(c.id),
            Scope::Site => None,
        }
    }

    pub fn slug(&self) -> Option<&str> {
        match self {
            Scope::Community(c) => Some(&c.slug),
            Scope::Site => None,
        }
    }
}

/// The three levels of one period.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Levels {
    pub system: System,
    pub output: Output,
    pub outcome: Outcome,
}

/// What `GET /api/v1/insights` answers and the insights page shows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Insights {
    /// The community's slug; none for the whole site.
    pub community: Option<String>,
    pub period: Period,
    /// The fiscal year (Buddhist era) when the period is exactly one.
    pub fiscal_year: Option<i32>,
    pub system: System,
    pub output: Output,
    pub outcome: Outcome,
    pub gaps: Gaps,
    pub previous_period: Period,
    /// The same figures for the period before, to compare with.
    pub previous: Levels,
}

/// Counts everything for `scope` over `period` and the period before.
pub fn insights(conn: &mut AnyConnection, scope: &Scope, period: Period) -> Result<Insights> {
    let communities = scope.community_ids(conn)?;
    let current = figures::levels(conn, scope, &communities, period)?;
    let previous_period = period.previous();
    let previous = figures::levels(conn, scope, &communities, previous_period)?;
    let gaps = gaps::gaps(conn, scope, &communities, period)?;
    Ok(Insights {
        community: scope.slug().map(str::to_owned),
        period,
        fiscal_year: period.is_fiscal_year(),
        system: current.system,
        output: current.output,
        outcome: current.outcome,
        gaps,
        previous_period,
        previous,
    })
}

/// Charts cover at most this many months.
const MAX_CHART_MONTHS: usize = 24;

/// The figures month by month (for the charts); none for long periods.
pub fn monthly(conn: &mut AnyConnection, scope: &Scope, period: Period) -> Result<Vec<(Period, Levels)>> {
    let months = period.months();
    if months.len() > MAX_CHART_MONTHS {
        return Ok(Vec::new());
    }
    let communities = scope.community_ids(conn)?;
    months.into_iter().map(|month| Ok((month, figures::levels(conn, scope, &communities, month)?))).collect()
}

/// The order a report lists the figures in, by the API's field names.
pub const REPORT_ORDER: &[(&str, &[&str])] = &[
    ("system", &["active_members", "new_members", "threads", "replies", "searches", "knowledge_views", "digests_sent"]),
    (
        "output",
        &[
            "questions_asked",
            "questions_answered",
            "answer_rate",
            "median_hours_to_first_reply",
            "median_hours_to_accepted_answer",
            "knowledge_distilled",
            "knowledge_published",
            "knowledge_revised",
            "knowledge_reviewed",
            "reviews_on_time",
        ],
    ),
    (
        "outcome",
        &[
            "applied_reports",
            "minutes_saved",
            "stories",
            "answered_by_knowledge",
            "questions_not_asked",
            "helpful_feedback",
            "outdated_feedback",
        ],
    ),
];

/// One figure of a report.
#[derive(Debug, Clone, Serialize)]
pub struct FigureRow {
    pub level: &'static str,
    pub name: &'static str,
    pub current: Option<f64>,
    pub previous: Option<f64>,
}

/// The figures in [`REPORT_ORDER`], this period beside the one before.
pub fn figure_rows(insights: &Insights) -> Vec<FigureRow> {
    let levels = [
        (serde_json::to_value(&insights.system), serde_json::to_value(&insights.previous.system)),
        (serde_json::to_value(&insights.output), serde_json::to_value(&insights.previous.output)),
        (serde_json::to_value(&insights.outcome), serde_json::to_value(&insights.previous.outcome)),
    ];
    let mut rows = Vec::new();
    for ((level, names), (current, previous)) in REPORT_ORDER.iter().zip(levels) {
        let (Ok(current), Ok(previous)) = (current, previous) else { continue };
        for name in names.iter() {
            let current = current.get(name).and_then(serde_json::Value::as_f64);
            let previous = previous.get(name).and_then(serde_json::Value::as_f64);
            rows.push(FigureRow { level, name, current, previous });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_lists_every_figure_once() {
        let listed = |level: &str| -> Vec<String> {
            let mut names: Vec<String> = REPORT_ORDER
                .iter()
                .find(|(l, _)| *l == level)
                .map(|(_, names)| names.iter().map(|n| n.to_string()).collect())
                .unwrap_or_default();
            names.sort();
            names
        };
        let fields = |value: serde_json::Value| -> Vec<String> {
            value.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default()
        };
        assert_eq!(listed("system"), fields(serde_json::to_value(System::default()).unwrap()));
        assert_eq!(listed("output"), fields(serde_json::to_value(Output::default()).unwrap()));
        assert_eq!(listed("outcome"), fields(serde_json::to_value(Outcome::default()).unwrap()));
    }
}
