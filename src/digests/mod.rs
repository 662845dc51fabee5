//! Email digests and notification emails: who may subscribe, what a digest
//! says and planning it (`content`), and the sender that delivers the
//! outbox exactly once (`mail`). Subscriptions are stored by
//! `subscriptions`; every email goes through `outbox`.
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
pub mod watched;

use crate::authz::{authorize, Action, Viewer};
use crate::communities;
use crate::db::AnyConnection;
use crate::error::{Error, Result};

pub use crate::vocab::Frequency;

pub use crate::subscriptions::{frequency_of, subscriptions_of, unsubscribe, Subscription, SubscriptionRow};

/// Sets how often the viewer hears from a community they may read.
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
    crate::subscriptions::store(conn, user_id, community_id, frequency)
}

pub use crate::config::Schedule;
