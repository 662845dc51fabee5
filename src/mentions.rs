//! @mentions: whom a post names, the links to their profiles, and telling
//! them, once per post, when they may read where it was said and want to
//! hear of it (mutes are `notifications`' to honour).

use std::collections::HashMap;

use diesel::prelude::*;

use crate::communities;
use crate::db::schema::users;
use crate::db::AnyConnection;
use crate::error::Result;

/// Names looked up per post, at most: a post that names more is a list,
/// not a conversation, and would notify a crowd.
const MAX_MENTIONS: usize = 20;

/// Someone a post names, with the name as it was typed.
#[derive(Debug, Clone)]
pub struct Mentioned {
    pub user_id: i64,
    pub username: String,
    pub written: String,
}

/// The people a post's `@name`s name: a username (in any case), or else a
/// display name whose first word is that name for exactly one person (Thai
/// names: `@สมชาย` for "สมชาย ใจดี"). Closed and deactivated accounts are
/// nobody.
pub fn resolve(conn: &mut AnyConnection, markdown: &str) -> Result<Vec<Mentioned>> {
    let mut names = crate::markdown::mentioned_names(markdown);
    names.truncate(MAX_MENTIONS);
    let mut found = Vec::new();
    for written in names {
        let active = users::closed_at.is_null().and(users::deactivated_at.is_null());
        let by_username: Option<(i64, String)> = users::table
            .filter(users::username.eq(written.to_lowercase()))
            .filter(active)
            .select((users::id, users::username))
            .first(conn)
            .optional()?;
        let person = match by_username {
            Some(person) => Some(person),
            None => {
                let named: Vec<(i64, String)> = users::table
                    .filter(users::display_name.eq(&written).or(users::display_name.like(format!("{written} %"))))
                    .filter(active)
                    .select((users::id, users::username))
                    .limit(2)
                    .load(conn)?;
                (named.len() == 1).then(|| named.into_iter().next()).flatten()
            }
        };
        if let Some((user_id, username)) = person {
            if !found.iter().any(|m: &Mentioned| m.user_id == user_id) {
                found.push(Mentioned { user_id, username, written });
            }
        }
    }
    Ok(found)
}

/// Name as typed → username, for `markdown::render_post`.
pub fn links(mentioned: &[Mentioned]) -> HashMap<String, String> {
    mentioned.iter().map(|m| (m.written.clone(), m.username.clone())).collect()
}

/// Tells each person a post names, unless it is its author, they cannot
/// read the community, turned mentions off, muted the author, or already
/// heard of this post (an earlier version named them, or it replies to
/// them). Call in the post's transaction.
pub fn notify(
    conn: &mut AnyConnection,
    mentioned: &[Mentioned],
    community_id: i64,
    thread_id: i64,
    post_id: i64,
    author_id: i64,
) -> Result<()> {
    if mentioned.is_empty() {
        return Ok(());
    }
    let community = communities::by_id(conn, community_id)?;
    for person in mentioned.iter().filter(|m| m.user_id != author_id) {
        let wants: bool = users::table.find(person.user_id).select(users::notify_mentions).first(conn)?;
        if wants && crate::notifications::may_hear_of(conn, person.user_id, &community, post_id)? {
            crate::notifications::record(
                conn,
                person.user_id,
                crate::notifications::MENTION,
                thread_id,
                Some(post_id),
                author_id,
            )?;
        }
    }
    Ok(())
}

/// Someone to mention, as the editor's suggestions show them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Suggestion {
    pub username: String,
    pub display_name: String,
}

/// How many people the editor suggests at once.
const SUGGESTIONS: i64 = 8;

/// People whose username or display name (or a word of it) starts with
/// what was typed after `@`, active accounts only, usernames first.
pub fn suggest(conn: &mut AnyConnection, typed: &str) -> Result<Vec<Suggestion>> {
    let typed = typed.trim();
    if typed.is_empty() || typed.chars().count() > 40 || typed.contains(['%', '_', '\\']) {
        return Ok(Vec::new());
    }
    let rows: Vec<(String, String)> = users::table
        .filter(users::closed_at.is_null().and(users::deactivated_at.is_null()))
        .filter(
            users::username
                .like(format!("{}%", typed.to_lowercase()))
                .or(users::display_name.like(format!("{typed}%")))
                .or(users::display_name.like(format!("% {typed}%"))),
        )
        .order(users::username.asc())
        .limit(SUGGESTIONS * 2)
        .select((users::username, users::display_name))
        .load(conn)?;
    let lower = typed.to_lowercase();
    let mut found: Vec<Suggestion> =
        rows.into_iter().map(|(username, display_name)| Suggestion { username, display_name }).collect();
    found.sort_by_key(|s| !s.username.starts_with(&lower));
    found.truncate(SUGGESTIONS as usize);
    Ok(found)
}
