//! Keeping the store tidy: uploads no post or knowledge revision took up
//! within a day are removed, and bytes no upload names any more are
//! deleted; `sala storage check` compares the database with the store.
//! Safe on several instances at once: every step is idempotent.

use std::collections::HashSet;

use chrono::{Duration, NaiveDateTime};
use diesel::dsl::{exists, not};
use diesel::prelude::*;

use super::store::{blob_key, Store};
use crate::db::schema::{attachments, post_attachments, revision_attachments};
use crate::db::{AnyConnection, Db};
use crate::error::Result;

/// How long an upload may wait for the post that uses it.
pub fn grace() -> Duration {
    Duration::hours(24)
}

/// What a cleanup pass removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Cleaned {
    pub uploads: usize,
    pub blobs: usize,
}

/// Every SHA-256 an upload row names (its file or its preview).
fn named_blobs(conn: &mut AnyConnection) -> Result<HashSet<String>> {
    let rows: Vec<(String, Option<String>)> =
        attachments::table.select((attachments::sha256, attachments::preview_sha256)).load(conn)?;
    let mut named: HashSet<String> =
        rows.into_iter().flat_map(|(sha, preview)| std::iter::once(sha).chain(preview)).collect();
    named.extend(super::avatars::blobs(conn)?);
    Ok(named)
}

fn is_named(conn: &mut AnyConnection, sha: &str) -> Result<bool> {
    use crate::db::schema::avatars;
    let attachment =
        exists(attachments::table.filter(attachments::sha256.eq(sha).or(attachments::preview_sha256.eq(sha))));
    let avatar = exists(avatars::table.filter(avatars::large_sha256.eq(sha).or(avatars::small_sha256.eq(sha))));
    Ok(diesel::dsl::select(attachment.or(avatar)).get_result(conn)?)
}

/// Removes uploads made before `before` that nothing references, then the
/// bytes (written before `before`) that no upload names. A soft-deleted
/// post keeps its files (hidden), so restoring it brings them back.
pub async fn cleanup(db: &Db, store: &Store, before: NaiveDateTime) -> Result<Cleaned> {
    let uploads = db
        .run(move |conn| {
            let unused: Vec<i64> = attachments::table
                .filter(attachments::created_at.lt(before))
                .filter(not(exists(
                    post_attachments::table.filter(post_attachments::attachment_id.eq(attachments::id)),
                )))
                .filter(not(exists(
                    revision_attachments::table.filter(revision_attachments::attachment_id.eq(attachments::id)),
                )))
                .select(attachments::id)
                .load(conn)?;
            Ok(diesel::delete(attachments::table.filter(attachments::id.eq_any(&unused))).execute(conn)?)
        })
        .await?;
    let named = db.run(named_blobs).await?;
    let mut blobs = 0;
    for (sha, written) in store.blobs().await? {
        if named.contains(&sha) || written.naive_utc() >= before {
            continue;
        }
        // Asked again just before deleting: an upload of the same bytes may
        // have arrived since the list was read.
        let sha_again = sha.clone();
        if db.run(move |conn| is_named(conn, &sha_again)).await? {
            continue;
        }
        store.delete(&blob_key(&sha)).await?;
        blobs += 1;
    }
    Ok(Cleaned { uploads, blobs })
}

/// What `sala storage check` found.
#[derive(Debug, Default)]
pub struct Report {
    /// Uploads (id, SHA-256) whose bytes are not in the store.
    pub missing: Vec<(i64, String)>,
    /// Bytes in the store that no upload names.
    pub orphaned: Vec<String>,
}

pub async fn check(db: &Db, store: &Store) -> Result<Report> {
    let rows: Vec<(i64, String, Option<String>)> = db
        .run(|conn| {
            Ok(attachments::table
                .select((attachments::id, attachments::sha256, attachments::preview_sha256))
                .order(attachments::id)
                .load(conn)?)
        })
        .await?;
    let stored: HashSet<String> = store.blobs().await?.into_iter().map(|(sha, _)| sha).collect();
    let mut report = Report::default();
    let mut named: HashSet<String> = db.run(super::avatars::blobs).await?.into_iter().collect();
    for (id, sha, preview) in rows {
        for blob in std::iter::once(sha).chain(preview) {
            if !stored.contains(&blob) {
                report.missing.push((id, blob.clone()));
            }
            named.insert(blob);
        }
    }
    report.orphaned = stored.into_iter().filter(|sha| !named.contains(sha)).collect();
    report.orphaned.sort();
    Ok(report)
}
