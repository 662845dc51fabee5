//! Review: readers' helpful and outdated verdicts; curators reconfirm an
//! item until its next review date.

use super::*;

/// A reader marks an item helpful or outdated. Outdated sends it to the
/// facilitators' review queue.
pub fn give_feedback(
    conn: &mut AnyConnection,
    viewer: Viewer,
    item_id: i64,
    kind: FeedbackKind,
    comment: &str,
) -> Result<()> {
    let (item, standing) = readable(conn, viewer, item_id)?;
    authorize(viewer, standing, Action::GiveFeedback)?;
    let user_id = viewer.user_id.ok_or(Error::Unauthenticated)?;
    if !matches!(item.status, Status::Published | Status::NeedsReview) {
        return Err(Error::Refused("error-feedback-unpublished"));
    }
    let mut v = Validator::default();
    if kind == FeedbackKind::Outdated {
        v.text("comment", comment, MAX_NOTE_CHARS);
    } else {
        v.optional_text("comment", comment, MAX_NOTE_CHARS);
    }
    v.finish()?;
    write_tx(conn, |conn| {
        diesel::delete(
            feedback::table
                .filter(feedback::item_id.eq(item_id))
                .filter(feedback::user_id.eq(user_id))
                .filter(feedback::kind.eq(kind)),
        )
        .execute(conn)?;
        diesel::insert_into(feedback::table)
            .values((
                feedback::item_id.eq(item_id),
                feedback::user_id.eq(user_id),
                feedback::kind.eq(kind),
                feedback::comment.eq(comment.trim()),
                feedback::created_at.eq(now()),
            ))
            .execute(conn)?;
        if kind == FeedbackKind::Outdated && item.status == Status::Published {
            diesel::update(items::table.find(item_id))
                .set(items::status.eq(Status::NeedsReview.as_str()))
                .execute(conn)?;
            search::index::item(conn, item_id)?;
        }
        Ok(())
    })
}

/// A facilitator confirms the item is still right, until `review_on`.
pub fn reconfirm(conn: &mut AnyConnection, viewer: Viewer, item_id: i64, review_on: NaiveDate) -> Result<Item> {
    let item = curated(conn, viewer, item_id)?;
    if review_on <= today() {
        return Err(Error::invalid("review_on", "error-review-date-past"));
    }
    let status = match item.status {
        Status::NeedsReview => Status::Published,
        other => other,
    };
    write_tx(conn, |conn| {
        diesel::update(items::table.find(item_id))
            .set((
                items::status.eq(status),
                items::review_on.eq(Some(review_on)),
                items::last_reviewed_at.eq(Some(now())),
                items::updated_at.eq(now()),
            ))
            .execute(conn)?;
        search::index::item(conn, item_id)?;
        Ok(items::table.find(item_id).select(Item::as_select()).first(conn)?)
    })
}
