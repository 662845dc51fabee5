//! Email: subscriptions to community digests, the outbox every email goes
//! through, and the sender that delivers it exactly once.
//!
//! Exactly once, with any number of instances and crashes anywhere:
//! - Planning a digest locks the subscriber's subscription rows, reads what
//!   is new since their watermark, and in the same transaction inserts the
//!   rendered email into `outbox` (unique `dedupe_key`) and moves the
//!   watermark. A second planner waits for the lock, then finds nothing new.
//! - Sending claims queued rows under a lease (`FOR UPDATE SKIP LOCKED` on
//!   PostgreSQL; SQLite has one writer) and marks each sent after the SMTP
//!   server accepts it. A sender that dies before sending leaves its rows to
//!   be claimed again when the lease runs out.

pub mod content;
pub mod mail;
pub mod outbox;

use chrono::{Datelike, NaiveDateTime, Timelike};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::authz::{authorize, Action, Viewer};
use crate::communities;
use crate::db::schema::subscriptions;
use crate::db::{now, write_tx, AnyConnection};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    Off,
    Daily,
    Weekly,
}

impl Frequency {
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Off => "off",
            Frequency::Daily => "daily",
            Frequency::Weekly => "weekly",
        }
    }
    pub fn parse(s: &str) -> Option<Frequency> {
        [Frequency::Off, Frequency::Daily, Frequency::Weekly].into_iter().find(|f| f.as_str() == s)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = subscriptions)]
pub struct Subscription {
    pub user_id: i64,
    pub community_id: i64,
    pub frequency: String,
    pub watermark: NaiveDateTime,
}

/// Sets how often `user_id` hears from a community. New subscriptions start
/// from now: a digest never reaches back before the subscription.
pub fn set_frequency(
    conn: &mut AnyConnection,
    viewer: Viewer,
    community_id: i64,
    frequency: Frequency,
) -> Result<Frequency> {
    let user_id = viewer.user_id.ok_or(Error::Unauthenticated)?;
    let community = communities::by_id(conn, community_id)?;
    let standing = communities::standing(conn, viewer, community_id)?;
    authorize(viewer, standing, Action::ReadCommunity { is_public: community.is_public })?;
    // Two requests setting the same subscription at once: the loser's insert
    // meets the unique key, and write_tx runs it again as an update.
    write_tx(conn, |conn| {
        let current: Option<String> = subscriptions::table
            .find((user_id, community_id))
            .select(subscriptions::frequency)
            .first(conn)
            .optional()?;
        if let Some(current) = current {
            // Switching a digest back on starts from now, not from when it stopped.
            let restart = current == Frequency::Off.as_str() && frequency != Frequency::Off;
            let watermark: NaiveDateTime = if restart {
                now()
            } else {
                subscriptions::table.find((user_id, community_id)).select(subscriptions::watermark).first(conn)?
            };
            diesel::update(subscriptions::table.find((user_id, community_id)))
                .set((subscriptions::frequency.eq(frequency.as_str()), subscriptions::watermark.eq(watermark)))
                .execute(conn)?;
        } else {
            diesel::insert_into(subscriptions::table)
                .values((
                    subscriptions::user_id.eq(user_id),
                    subscriptions::community_id.eq(community_id),
                    subscriptions::frequency.eq(frequency.as_str()),
                    subscriptions::watermark.eq(now()),
                ))
                .execute(conn)?;
        }
        Ok(frequency)
    })
}

pub fn frequency_of(conn: &mut AnyConnection, user_id: i64, community_id: i64) -> Result<Frequency> {
    let f: Option<String> =
        subscriptions::table.find((user_id, community_id)).select(subscriptions::frequency).first(conn).optional()?;
    Ok(f.as_deref().and_then(Frequency::parse).unwrap_or(Frequency::Off))
}

/// Turns a subscription off (the one-click unsubscribe).
pub fn unsubscribe(conn: &mut AnyConnection, user_id: i64, community_id: i64) -> Result<()> {
    diesel::update(subscriptions::table.find((user_id, community_id)))
        .set(subscriptions::frequency.eq(Frequency::Off.as_str()))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Serialize, Queryable)]
pub struct SubscriptionRow {
    pub community_id: i64,
    pub slug: String,
    pub name: String,
    pub frequency: String,
}

/// Every community the user belongs to, with how often they hear from it.
pub fn subscriptions_of(conn: &mut AnyConnection, user_id: i64) -> Result<Vec<SubscriptionRow>> {
    use crate::db::schema::{communities as c, memberships as m};
    let rows: Vec<(i64, String, String)> = m::table
        .inner_join(c::table)
        .filter(m::user_id.eq(user_id))
        .order(c::name.asc())
        .select((c::id, c::slug, c::name))
        .load(conn)?;
    rows.into_iter()
        .map(|(community_id, slug, name)| {
            let frequency = frequency_of(conn, user_id, community_id)?.as_str().to_owned();
            Ok(SubscriptionRow { community_id, slug, name, frequency })
        })
        .collect()
}

/// When digests go out: a local hour every day, and a weekday for weekly ones.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    /// Hours east of UTC (Asia/Bangkok: 7; Thailand has no daylight saving).
    pub utc_offset_hours: i32,
    pub hour: u32,
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u32,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule { utc_offset_hours: 7, hour: 7, weekday: 1 }
    }
}

impl Schedule {
    /// The period key of each frequency that is due at `at` (UTC), e.g.
    /// `daily:2026-11-25`, `weekly:2026-W48`; none before the hour.
    pub fn due(&self, at: NaiveDateTime) -> Vec<(Frequency, String)> {
        let local = at + chrono::Duration::hours(self.utc_offset_hours.into());
        if local.hour() < self.hour {
            return Vec::new();
        }
        let mut due = vec![(Frequency::Daily, format!("daily:{}", local.date()))];
        if local.weekday().number_from_monday() == self.weekday {
            let week = local.iso_week();
            due.push((Frequency::Weekly, format!("weekly:{}-W{:02}", week.year(), week.week())));
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_fall_due_at_the_local_hour_and_weekday() {
        let schedule = Schedule::default();
        let at = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        // 23:30 UTC on Sunday is 06:30 Monday in Bangkok: not yet.
        assert!(schedule.due(at("2026-11-22 23:30")).is_empty());
        // 00:10 UTC Monday is 07:10 in Bangkok: daily and weekly.
        let due = schedule.due(at("2026-11-23 00:10"));
        assert_eq!(
            due,
            vec![(Frequency::Daily, "daily:2026-11-23".into()), (Frequency::Weekly, "weekly:2026-W48".into())]
        );
        // Tuesday: daily only.
        assert_eq!(schedule.due(at("2026-11-24 03:00")), vec![(Frequency::Daily, "daily:2026-11-24".into())]);
    }
}
