//! Watching a thread, a board, a community or a tag. A new thread where
//! someone watches (its board, its community, one of its tags) and a new
//! reply in a thread they watch come to their bell once (`notifications`
//! of the watch kinds, which remember the watch that brought them), and
//! once into their next digest ("in what you watch", see `digests`). The
//! asker watches their own question from the start.

use diesel::prelude::*;
use serde::Serialize;

use crate::authz::Viewer;
use crate::communities;
use crate::db::schema::{boards, threads, watches};
use crate::db::{now, AnyConnection};
use crate::error::{Error, FieldError, Result};

/// What can be watched (`watches.kind`), as the API's paths spell it.
pub const KINDS: [&str; 4] = ["thread", "board", "tag", "community"];

/// One thing someone watches, as their list shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WatchView {
    /// `thread`, `board`, `tag` or `community`.
    pub kind: String,
    /// The thread's, board's or community's id, or the tag.
    pub target: String,
    pub title: String,
    pub url: String,
}

fn kind_of(raw: &str) -> Result<&'static str> {
    KINDS
        .into_iter()
        .find(|k| *k == raw)
        .ok_or_else(|| Error::Invalid(vec![FieldError::new("kind", "error-invalid-choice")]))
}

/// The community a watch target lives in (`None` for a tag, which spans
/// communities), after checking that the viewer may read it.
fn readable_target(conn: &mut AnyConnection, viewer: Viewer, kind: &str, target: &str) -> Result<(String, String)> {
    let id = || target.parse::<i64>().map_err(|_| Error::NotFound);
    match kind {
        "thread" => {
            // Read here rather than through `threads`, which calls this module.
            let (title, community_id, hidden): (String, i64, bool) = threads::table
                .inner_join(boards::table)
                .filter(threads::id.eq(id()?))
                .select((threads::title, boards::community_id, threads::is_hidden))
                .first(conn)?;
            let community = communities::by_id(conn, community_id)?;
            communities::readable(conn, viewer, &community.slug)?;
            if hidden {
                return Err(Error::NotFound);
            }
            Ok((title, format!("/t/{target}")))
        }
        "board" => {
            let board = communities::board_by_id(conn, id()?)?;
            let community = communities::by_id(conn, board.community_id)?;
            communities::readable(conn, viewer, &community.slug)?;
            Ok((format!("{} · {}", board.name, community.name), format!("/c/{}/b/{}", community.slug, board.slug)))
        }
        "community" => {
            let community = communities::by_id(conn, id()?)?;
            communities::readable(conn, viewer, &community.slug)?;
            Ok((community.name.clone(), format!("/c/{}", community.slug)))
        }
        _ => {
            let tag = crate::tags::normalise(target).into_iter().next().ok_or(Error::NotFound)?;
            let path = percent_encoding::utf8_percent_encode(&tag, percent_encoding::NON_ALPHANUMERIC);
            Ok((format!("#{tag}"), format!("/tags/{path}")))
        }
    }
}

/// Starts watching (nothing changes when already watching).
pub fn watch(conn: &mut AnyConnection, viewer: Viewer, kind: &str, target: &str) -> Result<WatchView> {
    let user_id = viewer.user_id.ok_or(Error::Unauthenticated)?;
    let kind = kind_of(kind)?;
    let target = normal_target(kind, target);
    let (title, url) = readable_target(conn, viewer, kind, &target)?;
    if !is_watching(conn, user_id, kind, &target)? {
        diesel::insert_into(watches::table)
            .values((
                watches::user_id.eq(user_id),
                watches::kind.eq(kind),
                watches::target.eq(&target),
                watches::created_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(WatchView { kind: kind.to_owned(), target, title, url })
}

/// Stops watching; `kind` "all" stops every watch.
pub fn unwatch(conn: &mut AnyConnection, user_id: i64, kind: &str, target: &str) -> Result<()> {
    if kind == "all" {
        diesel::delete(watches::table.filter(watches::user_id.eq(user_id))).execute(conn)?;
        return Ok(());
    }
    let kind = kind_of(kind)?;
    let target = normal_target(kind, target);
    diesel::delete(watches::table.find((user_id, kind, target))).execute(conn)?;
    Ok(())
}

fn normal_target(kind: &str, target: &str) -> String {
    match kind {
        "tag" => crate::tags::normalise(target).into_iter().next().unwrap_or_default(),
        _ => target.trim().to_owned(),
    }
}

/// Whether the viewer (if signed in) watches this: what a watch button shows.
pub fn watches(conn: &mut AnyConnection, viewer: Viewer, kind: &str, target: impl ToString) -> Result<bool> {
    match viewer.user_id {
        Some(user_id) => is_watching(conn, user_id, kind, &target.to_string()),
        None => Ok(false),
    }
}

pub fn is_watching(conn: &mut AnyConnection, user_id: i64, kind: &str, target: &str) -> Result<bool> {
    Ok(diesel::select(diesel::dsl::exists(watches::table.find((user_id, kind, target)))).get_result(conn)?)
}

/// Everything someone watches that they may still read, newest first.
pub fn watches_of(conn: &mut AnyConnection, viewer: Viewer) -> Result<Vec<WatchView>> {
    let user_id = viewer.user_id.ok_or(Error::Unauthenticated)?;
    let rows: Vec<(String, String)> = watches::table
        .filter(watches::user_id.eq(user_id))
        .order(watches::created_at.desc())
        .select((watches::kind, watches::target))
        .load(conn)?;
    let mut out = Vec::new();
    for (kind, target) in rows {
        match readable_target(conn, viewer, &kind, &target) {
            Ok((title, url)) => out.push(WatchView { kind, target, title, url }),
            Err(Error::NotFound | Error::Forbidden) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// Watchers of any of `targets`, each with the first watch that matched.
fn watchers(conn: &mut AnyConnection, targets: &[(&str, String)]) -> Result<Vec<(i64, String, String)>> {
    let mut found: Vec<(i64, String, String)> = Vec::new();
    for (kind, target) in targets {
        let users: Vec<i64> = watches::table
            .filter(watches::kind.eq(*kind))
            .filter(watches::target.eq(target))
            .select(watches::user_id)
            .load(conn)?;
        for user_id in users {
            if !found.iter().any(|(u, _, _)| *u == user_id) {
                found.push((user_id, (*kind).to_owned(), target.clone()));
            }
        }
    }
    Ok(found)
}

/// Tells watchers of a post's thread (a reply), or of its board, community
/// or tags (a new thread), once per post: nobody who already heard of it
/// (a reply to them, a mention), not the author, and only those who may
/// read the community. Call in the post's transaction.
pub fn on_post(
    conn: &mut AnyConnection,
    thread_id: i64,
    post_id: i64,
    author_id: i64,
    new_thread: Option<&[String]>,
) -> Result<()> {
    let (board_id, community_id): (i64, i64) = threads::table
        .inner_join(boards::table)
        .filter(threads::id.eq(thread_id))
        .select((boards::id, boards::community_id))
        .first(conn)?;
    let targets: Vec<(&str, String)> = match new_thread {
        Some(tags) => {
            let mut list = vec![("board", board_id.to_string()), ("community", community_id.to_string())];
            list.extend(tags.iter().map(|t| ("tag", t.clone())));
            list
        }
        None => vec![("thread", thread_id.to_string())],
    };
    let kind =
        if new_thread.is_some() { crate::notifications::WATCHED_THREAD } else { crate::notifications::WATCHED_REPLY };
    let community = communities::by_id(conn, community_id)?;
    for (user_id, watch_kind, target) in watchers(conn, &targets)? {
        if user_id == author_id {
            continue;
        }
        if crate::notifications::may_hear_of(conn, user_id, &community, post_id)? {
            let watch = crate::notifications::Watch { kind: &watch_kind, target: &target };
            crate::notifications::record_watched(conn, user_id, kind, thread_id, post_id, author_id, watch)?;
        }
    }
    Ok(())
}
