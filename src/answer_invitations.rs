//! Inviting people to answer an open question: the asker or a facilitator
//! invites up to three people who may read it (suggested from who knows
//! what); each is told in the bell and by email, and reminded once if the
//! question is still open after `SALA_INVITE_REMIND_DAYS`.

use chrono::Duration;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::authz::{authorize, Action, Viewer};
use crate::communities;
use crate::db::schema::{answer_invitations as invites, threads, users};
use crate::db::{now, write_tx, AnyConnection};
use crate::error::{Error, FieldError, Result};
use crate::notifications::{self, INVITED_TO_ANSWER, INVITE_REMINDER};
use crate::threads::ThreadKind;

/// People invited per question, at most.
pub const MAX_INVITED: i64 = 3;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct Invitee {
    pub username: String,
}

/// Someone invited to answer, as the question shows them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Invited {
    pub username: String,
    pub display_name: String,
    pub invited_at: chrono::NaiveDateTime,
}

/// Invites `invitee` to answer `thread_id`.
pub fn invite(conn: &mut AnyConnection, viewer: Viewer, thread_id: i64, invitee: &Invitee) -> Result<Invited> {
    let inviter = viewer.user_id.ok_or(Error::Unauthenticated)?;
    let ctx = crate::threads::readable(conn, viewer, thread_id)?;
    authorize(viewer, ctx.standing, Action::InviteToAnswer { asker_id: ctx.thread.author_id })?;
    if ctx.thread.kind != ThreadKind::Question || crate::knowledge::is_resolved(&ctx.thread) {
        return Err(Error::Refused("error-invite-open-questions-only"));
    }
    let refuse = |code| Error::Invalid(vec![FieldError::new("username", code)]);
    let person = crate::accounts::find_by_username(conn, &invitee.username).map_err(|e| match e {
        Error::NotFound => refuse("error-no-such-user"),
        other => other,
    })?;
    if person.closed_at.is_some() || person.deactivated_at.is_some() {
        return Err(refuse("error-no-such-user"));
    }
    if person.id == ctx.thread.author_id {
        return Err(refuse("error-invite-asker"));
    }
    let standing = communities::standing(conn, person.viewer(), ctx.community.id)?;
    if communities::may_enter(person.viewer(), standing, &ctx.community).is_err() {
        return Err(refuse("error-invite-cannot-read"));
    }
    write_tx(conn, |conn| {
        let invited: Vec<i64> =
            invites::table.filter(invites::thread_id.eq(thread_id)).select(invites::user_id).load(conn)?;
        if invited.contains(&person.id) {
            return Err(refuse("error-invite-already"));
        }
        if invited.len() as i64 >= MAX_INVITED {
            return Err(Error::Invalid(vec![FieldError::with_limit("username", "error-invite-too-many", MAX_INVITED)]));
        }
        let at = now();
        diesel::insert_into(invites::table)
            .values((
                invites::thread_id.eq(thread_id),
                invites::user_id.eq(person.id),
                invites::invited_by.eq(inviter),
                invites::created_at.eq(at),
            ))
            .execute(conn)?;
        notifications::record(conn, person.id, INVITED_TO_ANSWER, thread_id, None, inviter)?;
        crate::threads::bump(conn, thread_id, None)?;
        Ok(Invited { username: person.username.clone(), display_name: person.display_name.clone(), invited_at: at })
    })
}

/// Who was invited to answer a thread, first invited first.
pub fn invited_to(conn: &mut AnyConnection, thread_id: i64) -> Result<Vec<Invited>> {
    Ok(invites::table
        .inner_join(users::table.on(users::id.eq(invites::user_id)))
        .filter(invites::thread_id.eq(thread_id))
        .order(invites::id.asc())
        .select((users::username, users::display_name, invites::created_at))
        .load::<(String, String, chrono::NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(username, display_name, invited_at)| Invited { username, display_name, invited_at })
        .collect())
}

/// Reminds, once, everyone invited more than `after` ago to a question
/// that is still open and that they have not answered. Returns how many.
pub fn remind(conn: &mut AnyConnection, after: Duration) -> Result<usize> {
    let due: Vec<(i64, i64, i64, i64)> = invites::table
        .inner_join(threads::table)
        .filter(invites::reminded_at.is_null())
        .filter(invites::created_at.lt(now() - after))
        .filter(threads::accepted_post_id.is_null())
        .filter(threads::ready_to_distill.eq(false))
        .filter(threads::is_hidden.eq(false))
        .select((invites::id, invites::thread_id, invites::user_id, invites::invited_by))
        .load(conn)?;
    let mut reminded = 0;
    for (id, thread_id, user_id, invited_by) in due {
        write_tx(conn, |conn| {
            // The claim: only one pass (of any instance) reminds.
            let claimed = diesel::update(invites::table.find(id).filter(invites::reminded_at.is_null()))
                .set(invites::reminded_at.eq(Some(now())))
                .execute(conn)?;
            let answered: i64 = crate::db::schema::posts::table
                .filter(crate::db::schema::posts::thread_id.eq(thread_id))
                .filter(crate::db::schema::posts::author_id.eq(user_id))
                .count()
                .get_result(conn)?;
            if claimed == 1 && answered == 0 {
                notifications::record(conn, user_id, INVITE_REMINDER, thread_id, None, invited_by)?;
                reminded += 1;
            }
            Ok(())
        })?;
    }
    Ok(reminded)
}
