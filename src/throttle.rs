//! Counting events per key in a time window: failed logins, sign-ups, posts.
//! Kept in the database, so every instance behind a load balancer counts the
//! same events, and counted *before* the work they limit, in one atomic step:
//! twenty parallel guesses of a password get at most the limit of real
//! password checks, on either backend.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::authz::Viewer;
use crate::config::WriteLimits;
use crate::db::schema::{throttles as th, users};
use crate::db::{now, on_inner, write_tx, AnyConnection};
use crate::error::{Error, Result};

/// At most `max` events in any window of `window` that starts with the first.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: i32,
    pub window: Duration,
}

impl Limit {
    pub fn per_minute(max: i32) -> Limit {
        Limit { max, window: Duration::minutes(1) }
    }
}

/// No window is longer than this; rows older than it are deleted.
const LONGEST_WINDOW: Duration = Duration::days(1);

/// Keys are built by Sala, but some parts come from outside (a login name,
/// an address): anything longer is replaced by its hash.
const MAX_KEY_LEN: usize = 128;

/// A key with a part that comes from outside: short, whatever was typed.
pub fn key(kind: &str, part: &str) -> String {
    let key = format!("{kind}:{part}");
    if key.len() <= MAX_KEY_LEN {
        key
    } else {
        format!("{kind}:#{}", hex::encode(&Sha256::digest(part.as_bytes())[..16]))
    }
}

/// Counts one event under each key, all or none: when any key is at its
/// limit nothing is counted, and the answer is how many seconds until that
/// key allows one again.
pub fn hit_all(conn: &mut AnyConnection, keys: &[(String, Limit)]) -> Result<Option<i64>> {
    write_tx(conn, |conn| {
        let at = now();
        let mut counted = Vec::with_capacity(keys.len());
        for (key, limit) in keys {
            let (hits, started) = locked_counter(conn, key, at)?;
            let (hits, started) = if at - started >= limit.window { (0, at) } else { (hits, started) };
            if hits >= limit.max {
                let retry_after = (started + limit.window - at).num_seconds().max(1);
                return Ok(Some(retry_after));
            }
            counted.push((key, hits + 1, started));
        }
        for (key, hits, started) in counted {
            diesel::update(th::table.find(key))
                .set((th::hits.eq(hits), th::window_started_at.eq(started)))
                .execute(conn)?;
        }
        Ok(None)
    })
}

/// [`hit_all`] for one key.
pub fn hit(conn: &mut AnyConnection, key: &str, limit: Limit) -> Result<Option<i64>> {
    hit_all(conn, &[(key.to_owned(), limit)])
}

/// The counter of `key`, created if missing, locked until the transaction
/// ends (PostgreSQL; SQLite's `BEGIN IMMEDIATE` already serialises writers).
fn locked_counter(conn: &mut AnyConnection, key: &str, at: NaiveDateTime) -> Result<(i32, NaiveDateTime)> {
    let created = on_inner!(conn, |c| diesel::insert_into(th::table)
        .values((th::throttle_key.eq(key), th::hits.eq(0), th::window_started_at.eq(at)))
        .on_conflict(th::throttle_key)
        .do_nothing()
        .execute(c))?;
    if created > 0 {
        // New keys are where the table grows, so that is where it is pruned:
        // it stays small whether or not the scheduler runs.
        diesel::delete(th::table.filter(th::window_started_at.lt(at - LONGEST_WINDOW))).execute(conn)?;
    }
    let query = th::table.find(key).select((th::hits, th::window_started_at));
    Ok(match conn {
        AnyConnection::Postgresql(pg) => query.for_update().first(pg)?,
        AnyConnection::Sqlite(lite) => query.first(lite)?,
    })
}

/// Takes back one event of `key` (an attempt that turned out well).
pub fn refund(conn: &mut AnyConnection, key: &str) -> Result<()> {
    diesel::update(th::table.find(key).filter(th::hits.gt(0))).set(th::hits.eq(th::hits - 1)).execute(conn)?;
    Ok(())
}

/// Forgets every event of `key`.
pub fn clear(conn: &mut AnyConnection, key: &str) -> Result<()> {
    diesel::delete(th::table.find(key)).execute(conn)?;
    Ok(())
}

/// The kinds of writes limited per account (`config::WriteLimits`).
#[derive(Debug, Clone, Copy)]
pub enum Write {
    Thread,
    Post,
    Edit,
    Flag,
    Invitation,
}

impl Write {
    fn name(self) -> &'static str {
        match self {
            Write::Thread => "thread",
            Write::Post => "post",
            Write::Edit => "edit",
            Write::Flag => "flag",
            Write::Invitation => "invitation",
        }
    }

    fn per_minute(self, limits: &WriteLimits) -> i32 {
        match self {
            Write::Thread => limits.threads,
            Write::Post => limits.posts,
            Write::Edit => limits.edits,
            Write::Flag => limits.flags,
            Write::Invitation => limits.invitations,
        }
    }
}

/// Counts one write by the viewer, or refuses it with `RateLimited` (429 and
/// `Retry-After`). New accounts' threads and replies also count against an
/// hourly limit (`NewMemberLimited`). Anonymous viewers are left to the
/// write's own check.
pub fn count_write(conn: &mut AnyConnection, viewer: Viewer, kind: Write, limits: &WriteLimits) -> Result<()> {
    let Some(user_id) = viewer.user_id else { return Ok(()) };
    if matches!(kind, Write::Thread | Write::Post) {
        let created: NaiveDateTime = users::table.find(user_id).select(users::created_at).first(conn)?;
        if now() - created < Duration::days(limits.new_member_days) {
            let per_hour = limits.new_member_posts_per_hour;
            let limit = Limit { max: per_hour, window: Duration::hours(1) };
            if let Some(retry_after_secs) = hit(conn, &format!("new-member-posts:{user_id}"), limit)? {
                return Err(Error::NewMemberLimited { retry_after_secs, per_hour });
            }
        }
    }
    let limit = Limit::per_minute(kind.per_minute(limits));
    match hit(conn, &format!("write-{}:{user_id}", kind.name()), limit)? {
        Some(retry_after_secs) => Err(Error::RateLimited { retry_after_secs }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::key;

    #[test]
    fn keys_stay_short_whatever_was_typed() {
        assert_eq!(key("login-name", "somchai"), "login-name:somchai");
        let long = key("login-name", &"ก".repeat(500));
        assert!(long.len() <= 128 && long.starts_with("login-name:#"), "{long}");
        assert_ne!(long, key("login-name", &"ข".repeat(500)));
    }
}
