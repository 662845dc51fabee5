//! Failed-login throttling, kept in the database so every instance behind a
//! load balancer counts the same failures.

use chrono::Duration;
use diesel::prelude::*;

use crate::db::schema::login_throttle as lt;
use crate::db::{now, write_tx, AnyConnection};
use crate::error::{Error, Result};

/// Refuses with `TooManyAttempts` while any of `keys` is locked.
pub fn ensure_not_locked(conn: &mut AnyConnection, keys: &[String]) -> Result<()> {
    let now = now();
    let locked: Option<chrono::NaiveDateTime> = lt::table
        .filter(lt::throttle_key.eq_any(keys))
        .filter(lt::locked_until.gt(now))
        .select(lt::locked_until.assume_not_null())
        .order(lt::locked_until.desc())
        .first(conn)
        .optional()?;
    match locked {
        Some(until) => Err(Error::TooManyAttempts { retry_after_secs: (until - now).num_seconds().max(1) }),
        None => Ok(()),
    }
}

/// Counts one failure for `key` in a window of `lockout_minutes`; reaching
/// `max_failures` locks the key for that long.
pub fn record_failure(conn: &mut AnyConnection, key: &str, max_failures: i32, lockout_minutes: i64) -> Result<()> {
    let window = Duration::minutes(lockout_minutes);
    write_tx(conn, |conn| {
        let now = now();
        let existing: Option<(i32, chrono::NaiveDateTime)> =
            lt::table.find(key).select((lt::failures, lt::window_started_at)).first(conn).optional()?;
        let (failures, started) = match existing {
            Some((n, started)) if now - started < window => (n + 1, started),
            _ => (1, now),
        };
        let locked_until = (failures >= max_failures).then(|| now + window);
        if existing.is_some() {
            diesel::update(lt::table.find(key))
                .set((lt::failures.eq(failures), lt::window_started_at.eq(started), lt::locked_until.eq(locked_until)))
                .execute(conn)?;
        } else {
            diesel::insert_into(lt::table)
                .values((
                    lt::throttle_key.eq(key),
                    lt::failures.eq(failures),
                    lt::window_started_at.eq(started),
                    lt::locked_until.eq(locked_until),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}

pub fn clear(conn: &mut AnyConnection, key: &str) -> Result<()> {
    diesel::delete(lt::table.find(key)).execute(conn)?;
    Ok(())
}
