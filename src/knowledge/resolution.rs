//! Resolution: a question's accepted answer, an experience marked ready to
//! distill. Either makes a thread resolved, ready to become knowledge.

use super::*;

/// Marks (or, with `None`, clears) the accepted answer of a question.
pub fn resolve(conn: &mut AnyConnection, viewer: Viewer, thread_id: i64, post_id: Option<i64>) -> Result<Thread> {
    let (thread, standing, community_id) = thread_standing(conn, viewer, thread_id)?;
    authorize(viewer, standing, Action::ResolveThread { asker_id: thread.author_id })?;
    if thread.kind != ThreadKind::Question {
        return Err(Error::Refused("error-not-a-question"));
    }
    if let Some(post_id) = post_id {
        let post =
            threads::post_by_id(conn, post_id).map_err(|_| Error::invalid("post_id", "error-parent-not-in-thread"))?;
        if post.thread_id != thread_id || post.parent_id.is_none() {
            return Err(Error::invalid("post_id", "error-answer-not-a-reply"));
        }
        if post.is_deleted {
            return Err(Error::invalid("post_id", "error-answer-deleted"));
        }
    }
    let at = post_id.map(|_| now());
    let by = post_id.and(viewer.user_id);
    write_tx(conn, |conn| {
        diesel::update(threads_t::table.find(thread_id))
            .set((
                threads_t::accepted_post_id.eq(post_id),
                threads_t::resolved_by.eq(by),
                threads_t::resolved_at.eq(at),
            ))
            .execute(conn)?;
        search::index::thread(conn, thread_id)?;
        threads::bump(conn, thread_id, Some(thread.board_id))?;
        let action = if post_id.is_some() { AuditAction::ThreadResolve } else { AuditAction::ThreadUnresolve };
        audit::by(conn, viewer, community_id, action, Target::Thread(thread_id), Some(thread.author_id))?;
        if let (Some(accepted), Some(resolver)) = (post_id, viewer.user_id) {
            use crate::notifications::{record, ANSWER_ACCEPTED, RESOLVED};
            record(conn, thread.author_id, RESOLVED, thread_id, Some(accepted), resolver)?;
            let answerer = threads::post_by_id(conn, accepted)?.author_id;
            if answerer != thread.author_id {
                record(conn, answerer, ANSWER_ACCEPTED, thread_id, Some(accepted), resolver)?;
            }
        }
        threads::by_id(conn, thread_id)
    })
}

/// Marks an experience thread ready (or no longer ready) to distill.
pub fn mark_ready(conn: &mut AnyConnection, viewer: Viewer, thread_id: i64, ready: bool) -> Result<Thread> {
    let (thread, standing, community_id) = thread_standing(conn, viewer, thread_id)?;
    authorize(viewer, standing, Action::MarkReady)?;
    if thread.kind != ThreadKind::Experience {
        return Err(Error::Refused("error-not-an-experience"));
    }
    let at = ready.then(now);
    let by = if ready { viewer.user_id } else { None };
    write_tx(conn, |conn| {
        diesel::update(threads_t::table.find(thread_id))
            .set((threads_t::ready_to_distill.eq(ready), threads_t::resolved_by.eq(by), threads_t::resolved_at.eq(at)))
            .execute(conn)?;
        search::index::thread(conn, thread_id)?;
        threads::bump(conn, thread_id, Some(thread.board_id))?;
        let action = if ready { AuditAction::ThreadReady } else { AuditAction::ThreadNotReady };
        audit::by(conn, viewer, community_id, action, Target::Thread(thread_id), Some(thread.author_id))?;
        threads::by_id(conn, thread_id)
    })
}

pub fn is_resolved(thread: &Thread) -> bool {
    thread.accepted_post_id.is_some() || thread.ready_to_distill
}
