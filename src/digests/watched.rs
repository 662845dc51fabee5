//! A digest's "in what you watch": the watched events no digest has listed
//! yet (`notifications::claim_for_digest`), each with a one-click link that
//! stops the watch that brought it.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::content::{Entry, MailContext, Section};
use crate::db::AnyConnection;
use crate::error::Result;
use crate::i18n::Lang;
use crate::notifications::{self, WATCHED_THREAD};

/// Claims `user_id`'s watched events from before `until` and lists them;
/// empty when there are none. Call in the digest's transaction.
pub fn section(
    conn: &mut AnyConnection,
    ctx: &MailContext,
    user_id: i64,
    until: chrono::NaiveDateTime,
    lang: Lang,
) -> Result<Section> {
    let events = notifications::claim_for_digest(conn, user_id, until)?;
    let mut entries: Vec<Entry> = Vec::new();
    for event in events {
        let url = match event.post_id {
            Some(post_id) if event.kind != WATCHED_THREAD => format!("{}/p/{post_id}", ctx.base_url),
            _ => format!("{}/t/{}", ctx.base_url, event.thread_id),
        };
        let watched = match event.watch_kind.as_str() {
            "tag" => format!("#{}", event.watch_target),
            _ => lang.t(&format!("watch-kind-{}", event.watch_kind)),
        };
        let detail = lang.t_args(
            &format!("digest-{}", event.kind),
            &[("name", event.actor_name.clone().into()), ("watched", watched.into())],
        );
        // One line per thread: later replies in it add nothing new to say.
        if entries.iter().any(|e| e.url == url) {
            continue;
        }
        entries.push(Entry {
            title: event.thread_title,
            url,
            detail,
            stop_url: stop_url(ctx, user_id, &event.watch_kind, &event.watch_target),
            ..Entry::default()
        });
    }
    Ok(Section::of(entries))
}

fn signature(secret: &[u8], user_id: i64, kind: &str, target: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(format!("unwatch\0{user_id}\0{kind}\0{target}").as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

/// A link that stops one watch (`kind` "all": every watch) of one user,
/// signed so that it cannot be turned to another.
pub fn stop_url(ctx: &MailContext, user_id: i64, kind: &str, target: &str) -> String {
    let encoded = percent_encoding::utf8_percent_encode(target, percent_encoding::NON_ALPHANUMERIC);
    format!("{}/watches/stop/{user_id}/{kind}/{encoded}/{}", ctx.base_url, signature(ctx.secret, user_id, kind, target))
}

/// Whether a stop link's parts are as Sala signed them.
pub fn verify_stop(secret: &[u8], user_id: i64, kind: &str, target: &str, given: &str) -> bool {
    crate::accounts::tokens::same_secret(&signature(secret, user_id, kind, target), given)
}
