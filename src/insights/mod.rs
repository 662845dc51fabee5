//! KM insights: is the system used, what knowledge did it produce, did work
//! get better, and where are the gaps — per community (its facilitators)
//! or site-wide (admins), for a period (`period`), each figure beside the
//! period before. Everything is counted from what Sala already holds;
//! nothing here writes. The figures are in [`figures`], the gaps in
//! [`gaps`],.

pub mod figures;
pub mod gaps;
pub mod period;
pub mod recognition;

use diesel::prelude::*;
use serde::Serialize;

use crate::authz::{authorize, Action, Viewer};
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
        match community.map(str::trim).filter(|s| !s.is_empty()) {
            Some(slug) => {
                let (community, standing) = communities::readable(conn, viewer, slug)?;
                authorize(viewer, standing, Action::ViewInsights)?;
                Ok(Scope::Community(community))
            }
            None if viewer.is_admin => Ok(Scope::Site),
            None if viewer.user_id.is_none() => Err(Error::Unauthenticated),
            None => Err(Error::Forbidden),
        }
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
