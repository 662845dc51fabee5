//! Whether this instance can do its job: `/healthz` for load balancers,
//! container health checks and operators. Broken storage is loud: a
//! database that answers reads but refuses writes (a read-only file or
//! replica, a full disk), a SQLite file that was deleted under a running
//! server, or a disk nearly out of space all make it answer 503 and say why.

use std::path::{Path, PathBuf};

use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::health_probe;
use crate::db::{now, Db};

#[derive(Debug, Serialize)]
pub struct Report {
    /// "ok" or "unavailable".
    pub status: &'static str,
    /// What is wrong, in words for the operator; empty when healthy.
    pub problems: Vec<String>,
    /// Free space where the data lives, when it is on this machine.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_free_bytes: Option<u64>,
    /// What is wrong but leaves this instance useful (the organisation's
    /// sign-in does not answer: local accounts and readers still get in),
    /// so a load balancer keeps it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// What to look at besides the database itself.
pub struct Storage<'a> {
    /// The SQLite file, which must still exist at its path.
    pub sqlite_file: Option<PathBuf>,
    /// Where the data (SQLite, mail files, secret) lives.
    pub data_dir: &'a Path,
    pub min_free_bytes: u64,
    /// The directory people sign in with, when there is one.
    pub directory: Option<&'a crate::config::LdapSettings>,
    /// The OpenID Connect provider people sign in with, when there is one.
    pub oidc: Option<&'a crate::config::OidcSettings>,
}

/// Checks the database takes a write, and the disk has room.
pub fn check(db: &Db, storage: &Storage) -> Report {
    let mut problems = Vec::new();
    if let Some(file) = &storage.sqlite_file {
        if !file.exists() {
            problems.push(format!("the database file {} is missing", file.display()));
        }
    }
    if let Err(e) = write_probe(db) {
        problems.push(format!("the database cannot be written: {e}"));
    }
    let disk_free_bytes = free_bytes(storage.data_dir);
    if let Some(free) = disk_free_bytes {
        if free < storage.min_free_bytes {
            problems.push(format!(
                "the disk is full: {} MB free in {} (at least {} MB needed)",
                free / (1024 * 1024),
                storage.data_dir.display(),
                storage.min_free_bytes / (1024 * 1024)
            ));
        }
    }
    let mut warnings = Vec::new();
    if let Some(Err(e)) = storage.directory.map(crate::accounts::directory::probe) {
        warnings.push(e.to_string());
    }
    if let Some(Err(e)) = storage.oidc.map(crate::accounts::oidc::probe) {
        warnings.push(e.to_string());
    }
    Report { status: if problems.is_empty() { "ok" } else { "unavailable" }, problems, disk_free_bytes, warnings }
}

/// Rewrites the probe row and commits.
fn write_probe(db: &Db) -> crate::error::Result<()> {
    let mut conn = db.conn_within(std::time::Duration::from_secs(2))?;
    crate::db::write_tx(&mut conn, |conn| {
        diesel::update(health_probe::table.find(1)).set(health_probe::checked_at.eq(now())).execute(conn)?;
        Ok(())
    })
}

/// Free bytes for an unprivileged writer on the filesystem holding `dir`.
fn free_bytes(dir: &Path) -> Option<u64> {
    let stat = rustix::fs::statvfs(dir).ok()?;
    Some(stat.f_bavail.saturating_mul(stat.f_frsize))
}
