//! Subscriptions: how often each member hears from each community by
//! digest. Storage only, below both `communities` (joining offers a weekly
//! digest) and `digests` (which checks who may subscribe, and plans mail).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::subscriptions;
use crate::db::{now, write_tx, AnyConnection};
use crate::error::Result;
use crate::vocab::Frequency;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = subscriptions)]
pub struct Subscription {
    pub user_id: i64,
    pub community_id: i64,
    pub frequency: Frequency,
    pub watermark: NaiveDateTime,
}

/// Stores how often `user_id` hears from a community. New subscriptions
/// start from now: a digest never reaches back before the subscription.
/// Who may subscribe is the caller's business (`digests::set_frequency`).
pub fn store(conn: &mut AnyConnection, user_id: i64, community_id: i64, frequency: Frequency) -> Result<Frequency> {
    // Two requests setting the same subscription at once: the loser's insert
    // meets the unique key, and write_tx runs it again as an update.
    write_tx(conn, |conn| {
        let current: Option<Frequency> = subscriptions::table
            .find((user_id, community_id))
            .select(subscriptions::frequency)
            .first(conn)
            .optional()?;
        if let Some(current) = current {
            // Switching a digest back on starts from now, not from when it stopped.
            let restart = current == Frequency::Off && frequency != Frequency::Off;
            let watermark: NaiveDateTime = if restart {
                now()
            } else {
                subscriptions::table.find((user_id, community_id)).select(subscriptions::watermark).first(conn)?
            };
            diesel::update(subscriptions::table.find((user_id, community_id)))
                .set((subscriptions::frequency.eq(frequency), subscriptions::watermark.eq(watermark)))
                .execute(conn)?;
        } else {
            diesel::insert_into(subscriptions::table)
                .values((
                    subscriptions::user_id.eq(user_id),
                    subscriptions::community_id.eq(community_id),
                    subscriptions::frequency.eq(frequency),
                    subscriptions::watermark.eq(now()),
                ))
                .execute(conn)?;
        }
        Ok(frequency)
    })
}

pub fn frequency_of(conn: &mut AnyConnection, user_id: i64, community_id: i64) -> Result<Frequency> {
    let f: Option<Frequency> =
        subscriptions::table.find((user_id, community_id)).select(subscriptions::frequency).first(conn).optional()?;
    Ok(f.unwrap_or(Frequency::Off))
}

/// Turns a subscription off (the one-click unsubscribe).
pub fn unsubscribe(conn: &mut AnyConnection, user_id: i64, community_id: i64) -> Result<()> {
    diesel::update(subscriptions::table.find((user_id, community_id)))
        .set(subscriptions::frequency.eq(Frequency::Off))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Serialize, Queryable)]
pub struct SubscriptionRow {
    pub community_id: i64,
    pub slug: String,
    pub name: String,
    pub frequency: Frequency,
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
            let frequency = frequency_of(conn, user_id, community_id)?;
            Ok(SubscriptionRow { community_id, slug, name, frequency })
        })
        .collect()
}
