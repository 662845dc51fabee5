//! The outbox table: queued emails, claimed under a lease, marked sent or
//! failed. Every email Sala sends passes through here: digests and
//! notifications (`digests`), account links (`accounts::links`). A leaf of
//! the domain: it knows mail, not who writes it.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};
use serde::Serialize;

use crate::db::schema::{outbox, users};
use crate::db::{now, on_inner, write_tx, AnyConnection};
use crate::error::Result;
pub use crate::vocab::MailStatus;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: i64,
    pub dedupe_key: String,
    pub kind: String,
    pub user_id: i64,
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub unsubscribe_url: Option<String>,
    pub status: MailStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub lease_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    /// The community the mail speaks of, when it is about one: checked again
    /// when sending.
    pub community_id: Option<i64>,
}

/// What writing a mail needs from the running server: links, signing,
/// rendering, and how often one person may hear about one thread.
pub struct MailContext<'a> {
    pub base_url: &'a str,
    pub secret: &'a [u8],
    pub templates: &'a tera::Tera,
    /// One notification email per recipient and thread within this time.
    pub coalesce: chrono::Duration,
    /// People invited to answer a question still open this long after are
    /// reminded, once.
    pub invite_remind_after: chrono::Duration,
}

pub struct NewMail<'a> {
    pub dedupe_key: &'a str,
    pub kind: &'a str,
    pub user_id: i64,
    pub to_address: &'a str,
    pub subject: &'a str,
    pub body_text: &'a str,
    pub body_html: &'a str,
    pub unsubscribe_url: Option<&'a str>,
    pub community_id: Option<i64>,
}

pub fn exists(conn: &mut AnyConnection, dedupe_key: &str) -> Result<bool> {
    Ok(outbox::table.filter(outbox::dedupe_key.eq(dedupe_key)).count().get_result::<i64>(conn)? > 0)
}

/// Queues a mail unless one with the same key was queued before. Call inside
/// the transaction that records why the mail is due. Two planners queueing
/// the same key at once (two digest runs) both succeed; one row is kept.
pub fn enqueue(conn: &mut AnyConnection, mail: &NewMail) -> Result<bool> {
    if exists(conn, mail.dedupe_key)? {
        return Ok(false);
    }
    let at = now();
    let row = (
        outbox::dedupe_key.eq(mail.dedupe_key),
        outbox::kind.eq(mail.kind),
        outbox::user_id.eq(mail.user_id),
        outbox::to_address.eq(mail.to_address),
        outbox::subject.eq(mail.subject),
        outbox::body_text.eq(mail.body_text),
        outbox::body_html.eq(mail.body_html),
        outbox::unsubscribe_url.eq(mail.unsubscribe_url),
        outbox::status.eq(MailStatus::Queued),
        outbox::attempts.eq(0),
        outbox::next_attempt_at.eq(at),
        outbox::created_at.eq(at),
        outbox::community_id.eq(mail.community_id),
    );
    let inserted = on_inner!(conn, |c| diesel::insert_into(outbox::table)
        .values(row)
        .on_conflict(outbox::dedupe_key)
        .do_nothing()
        .execute(c))?;
    Ok(inserted > 0)
}

#[derive(QueryableByName)]
struct ClaimedId {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Claims up to `limit` mails that are due (or whose sender's lease ran
/// out) for `lease` seconds. On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets
/// several senders claim disjoint rows at once.
pub fn claim(conn: &mut AnyConnection, lease_secs: i64, limit: i64) -> Result<Vec<OutboxRow>> {
    let at = now();
    let until = at + Duration::seconds(lease_secs);
    let ids: Vec<i64> = match conn {
        AnyConnection::Postgresql(pg) => diesel::sql_query(
            "UPDATE outbox SET status = $4, lease_until = $1, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM outbox \
                          WHERE (status = $5 AND next_attempt_at <= $2) OR (status = $4 AND lease_until < $2) \
                          ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) \
             RETURNING id",
        )
        .bind::<Timestamp, _>(until)
        .bind::<Timestamp, _>(at)
        .bind::<BigInt, _>(limit)
        .bind::<Text, _>(MailStatus::Sending)
        .bind::<Text, _>(MailStatus::Queued)
        .load::<ClaimedId>(pg)?
        .into_iter()
        .map(|r| r.id)
        .collect(),
        AnyConnection::Sqlite(_) => write_tx(conn, |conn| {
            let ids: Vec<i64> = outbox::table
                .filter(
                    outbox::status
                        .eq(MailStatus::Queued)
                        .and(outbox::next_attempt_at.le(at))
                        .or(outbox::status.eq(MailStatus::Sending).and(outbox::lease_until.lt(at))),
                )
                .order(outbox::id.asc())
                .limit(limit)
                .select(outbox::id)
                .load(conn)?;
            diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
                .set((
                    outbox::status.eq(MailStatus::Sending),
                    outbox::lease_until.eq(Some(until)),
                    outbox::attempts.eq(outbox::attempts + 1),
                ))
                .execute(conn)?;
            Ok(ids)
        })?,
    };
    Ok(outbox::table
        .filter(outbox::id.eq_any(&ids))
        .order(outbox::id.asc())
        .select(OutboxRow::as_select())
        .load(conn)?)
}

/// A mail that must not go out after all (its recipient may no longer read
/// what it speaks of).
pub fn mark_cancelled(conn: &mut AnyConnection, id: i64, reason: &str) -> Result<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(MailStatus::Cancelled),
            outbox::last_error.eq(Some(reason)),
            outbox::lease_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn mark_sent(conn: &mut AnyConnection, id: i64) -> Result<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(MailStatus::Sent),
            outbox::sent_at.eq(Some(now())),
            outbox::lease_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// A transient failure waits and retries with exponential backoff; after
/// `max_attempts`, or at once for a permanent failure, the mail fails for
/// good and the failure is recorded against the recipient for admins.
pub fn mark_failed(
    conn: &mut AnyConnection,
    row: &OutboxRow,
    error: &str,
    permanent: bool,
    max_attempts: i32,
) -> Result<()> {
    if permanent || row.attempts >= max_attempts {
        diesel::update(outbox::table.find(row.id))
            .set((
                outbox::status.eq(MailStatus::Failed),
                outbox::last_error.eq(Some(error)),
                outbox::lease_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        // Only when the mail went to the account's own address (an
        // invitation to an address with no account is the inviter's mail).
        diesel::update(users::table.find(row.user_id).filter(users::email.eq(&row.to_address)))
            .set(users::mail_failure.eq(Some(error)))
            .execute(conn)?;
    } else {
        let wait = Duration::seconds(30 * 2i64.pow(row.attempts.clamp(0, 10) as u32));
        diesel::update(outbox::table.find(row.id))
            .set((
                outbox::status.eq(MailStatus::Queued),
                outbox::next_attempt_at.eq(now() + wait),
                outbox::last_error.eq(Some(error)),
                outbox::lease_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
    }
    Ok(())
}

#[derive(Debug, Serialize, Default)]
pub struct Counts {
    pub queued: i64,
    pub sending: i64,
    pub sent: i64,
    pub failed: i64,
    pub cancelled: i64,
}

pub fn counts(conn: &mut AnyConnection) -> Result<Counts> {
    let mut c = Counts::default();
    for (status, slot) in [
        (MailStatus::Queued, &mut c.queued),
        (MailStatus::Sending, &mut c.sending),
        (MailStatus::Sent, &mut c.sent),
        (MailStatus::Failed, &mut c.failed),
        (MailStatus::Cancelled, &mut c.cancelled),
    ] {
        *slot = outbox::table.filter(outbox::status.eq(status)).count().get_result(conn)?;
    }
    Ok(c)
}

pub fn recent(conn: &mut AnyConnection, status: Option<MailStatus>, limit: i64) -> Result<Vec<OutboxRow>> {
    let mut q = outbox::table.select(OutboxRow::as_select()).order(outbox::id.desc()).limit(limit).into_boxed();
    if let Some(status) = status {
        q = q.filter(outbox::status.eq(status));
    }
    Ok(q.load(conn)?)
}
