//! Delivery: SMTP (configured by one URL) or, by default, `.eml` files in
//! the data directory; and the pass that plans due digests and sends what
//! the outbox holds.

use std::path::Path;

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{FileTransport, Message, SmtpTransport, Transport};
use sha2::{Digest as _, Sha256};

use super::content::{self, MailContext};
use super::{Frequency, Schedule};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::outbox::{self, OutboxRow};

/// Mails in flight at once. Each SMTP exchange mostly waits on the network
/// (lettre's small writes meet delayed ACKs: ~45 ms a mail on loopback), so
/// parallel connections, not CPU, set the pace.
const SEND_CONCURRENCY: usize = 16;

pub enum Mailer {
    Smtp(SmtpTransport),
    Files(FileTransport),
}

impl Mailer {
    /// `smtp://user:pass@host:587?tls=required`, `smtps://…` (implicit TLS),
    /// or plain `smtp://host:25`; `None` writes `.eml` files under `dir`.
    pub fn new(smtp_url: Option<&str>, dir: &Path) -> Result<Mailer> {
        match smtp_url {
            Some(url) => {
                let transport = SmtpTransport::from_url(url)
                    .map_err(|e| Error::setup(format!("SALA_SMTP_URL is not usable: {e}")))?
                    .timeout(Some(std::time::Duration::from_secs(30)))
                    .pool_config(lettre::transport::smtp::PoolConfig::new().max_size(SEND_CONCURRENCY as u32))
                    .build();
                Ok(Mailer::Smtp(transport))
            }
            None => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| Error::setup(format!("cannot create the mail directory {}: {e}", dir.display())))?;
                Ok(Mailer::Files(FileTransport::new(dir)))
            }
        }
    }

    /// Sends one message; `Err((message, permanent))` on failure.
    fn send(&self, message: &Message) -> std::result::Result<(), (String, bool)> {
        match self {
            Mailer::Smtp(t) => t.send(message).map(|_| ()).map_err(|e| (e.to_string(), e.is_permanent())),
            Mailer::Files(t) => t.send(message).map(|_| ()).map_err(|e| (e.to_string(), false)),
        }
    }
}

pub struct MailSettings {
    pub from: String,
    pub list_domain: String,
    pub lease_secs: i64,
    pub max_attempts: i32,
}

fn raw_header(message: &mut Message, name: &'static str, value: String) {
    message.headers_mut().insert_raw(HeaderValue::new(HeaderName::new_from_ascii_str(name), value));
}

/// The message for an outbox row. Its Message-ID comes from the row's key,
/// so a retry carries the same id.
pub fn build(row: &OutboxRow, settings: &MailSettings) -> std::result::Result<Message, String> {
    let from: Mailbox = settings.from.parse().map_err(|e| format!("bad From address: {e}"))?;
    // The stored address alone, never a display-name form a parser could
    // read as another recipient.
    let address: lettre::Address = row.to_address.parse().map_err(|e| format!("bad recipient address: {e}"))?;
    let to = Mailbox::new(None, address);
    let id = hex::encode(&Sha256::digest(row.dedupe_key.as_bytes())[..12]);
    let mut message = Message::builder()
        .from(from)
        .to(to)
        .subject(row.subject.clone())
        .message_id(Some(format!("<{id}@{}>", settings.list_domain)))
        .date_now()
        .multipart(MultiPart::alternative_plain_html(row.body_text.clone(), row.body_html.clone()))
        .map_err(|e| e.to_string())?;
    raw_header(&mut message, "Auto-Submitted", "auto-generated".into());
    if let Some(url) = &row.unsubscribe_url {
        let list = if row.kind == "digest" {
            format!("Sala digests <digest.{}>", settings.list_domain)
        } else {
            format!("Sala notifications <notify.{}>", settings.list_domain)
        };
        raw_header(&mut message, "List-Id", list);
        raw_header(
            &mut message,
            "List-Unsubscribe",
            format!("<{url}>, <mailto:unsubscribe@{}?subject=unsubscribe>", settings.list_domain),
        );
        raw_header(&mut message, "List-Unsubscribe-Post", "List-Unsubscribe=One-Click".into());
    }
    Ok(message)
}

/// Sends everything the outbox holds that is due, batch by batch, over
/// several connections at once.
pub fn send_pending(db: &Db, mailer: &Mailer, settings: &MailSettings) -> Result<usize> {
    let mut sent = 0;
    loop {
        let batch = outbox::claim(&mut *db.conn()?, settings.lease_secs, 200)?;
        if batch.is_empty() {
            return Ok(sent);
        }
        // Fault injection for the tests: die holding the claim, before any
        // mail leaves, as a crashed or killed sender would.
        if std::env::var("SALA_FAULT_EXIT_AFTER_CLAIM").is_ok() {
            std::process::exit(3);
        }
        let per_worker = batch.len().div_ceil(SEND_CONCURRENCY);
        let results: Vec<Result<usize>> = std::thread::scope(|scope| {
            let workers: Vec<_> =
                batch.chunks(per_worker).map(|rows| scope.spawn(move || deliver(db, mailer, settings, rows))).collect();
            workers
                .into_iter()
                .map(|w| w.join().unwrap_or_else(|_| Err(Error::internal("a mail worker panicked"))))
                .collect()
        });
        for r in results {
            sent += r?;
        }
    }
}

/// Whether a claimed mail may still go to its recipient.
fn still_allowed(conn: &mut crate::db::AnyConnection, row: &OutboxRow) -> Result<bool> {
    let Some(community_id) = row.community_id else { return Ok(true) };
    let user = crate::accounts::find(conn, row.user_id)?;
    let community = crate::communities::by_id(conn, community_id)?;
    crate::communities::may_read(conn, crate::authz::Viewer::user(user.id, user.is_admin), &community)
}

fn deliver(db: &Db, mailer: &Mailer, settings: &MailSettings, rows: &[OutboxRow]) -> Result<usize> {
    let mut sent = 0;
    for row in rows {
        let mut conn = db.conn()?;
        if !still_allowed(&mut conn, row)? {
            outbox::mark_cancelled(&mut conn, row.id, "the recipient may no longer read this community")?;
            continue;
        }
        let outcome = build(row, settings).map_err(|e| (e, true)).and_then(|message| mailer.send(&message));
        match outcome {
            Ok(()) => {
                outbox::mark_sent(&mut conn, row.id)?;
                sent += 1;
            }
            Err((error, permanent)) => {
                tracing::warn!(id = row.id, %error, permanent, "mail not delivered");
                outbox::mark_failed(&mut conn, row, &error, permanent, settings.max_attempts)?;
            }
        }
    }
    Ok(sent)
}

/// Plans the digests that are due (every subscription, with `force`) and
/// sends what is queued. Safe to run on several instances at once.
pub fn run_pass(
    db: &Db,
    ctx: &MailContext,
    schedule: &Schedule,
    mailer: &Mailer,
    settings: &MailSettings,
    force: bool,
) -> Result<(usize, usize)> {
    let at = crate::db::now();
    let due: Vec<(Frequency, String)> = if force {
        let stamp = at.format("%Y%m%dT%H%M%S");
        vec![(Frequency::Daily, format!("daily:now-{stamp}")), (Frequency::Weekly, format!("weekly:now-{stamp}"))]
    } else {
        schedule.due(at)
    };
    // Plan on one thread and send on this one at the same time: mail starts
    // leaving while later subscribers are still being planned.
    let planning_done = std::sync::atomic::AtomicBool::new(false);
    let (planned, mut sent) = std::thread::scope(|scope| -> Result<(usize, usize)> {
        let planner = scope.spawn(|| -> Result<usize> {
            let mut planned = 0;
            let mut cache = content::PassCache::default();
            let result = (|| {
                for (frequency, period) in &due {
                    let users = content::subscribers(&mut *db.conn()?, *frequency)?;
                    // Small groups keep row locks short while sharing each commit.
                    for group in users.chunks(25) {
                        planned += content::plan_users(&mut *db.conn()?, ctx, &mut cache, group, *frequency, period)?;
                    }
                }
                crate::answer_invitations::remind(&mut *db.conn()?, ctx.invite_remind_after)?;
                crate::knowledge::schedule::remind_due(&mut *db.conn()?)?;
                planned += content::plan_notifications(&mut *db.conn()?, ctx)?;
                Ok(planned)
            })();
            planning_done.store(true, std::sync::atomic::Ordering::SeqCst);
            result
        });
        let mut sent = 0;
        while !planning_done.load(std::sync::atomic::Ordering::SeqCst) {
            let n = send_pending(db, mailer, settings)?;
            sent += n;
            if n == 0 {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        }
        let planned = planner.join().unwrap_or_else(|_| Err(Error::internal("the digest planner panicked")))?;
        Ok((planned, sent))
    })?;
    sent += send_pending(db, mailer, settings)?;
    Ok((planned, sent))
}
