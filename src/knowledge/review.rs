//! Review: readers' helpful and outdated verdicts; curators reconfirm an
//! item until its next review date.

use super::*;
use crate::db::schema::{knowledge_applied as applied, knowledge_reads as reads, knowledge_reviews as reviews};

/// A published item a reader may give a verdict on, and who they are.
fn published_for_reader(conn: &mut AnyConnection, viewer: Viewer, item_id: i64) -> Result<(Item, i64)> {
    let (item, standing) = readable(conn, viewer, item_id)?;
    authorize(viewer, standing, Action::GiveFeedback)?;
    let user_id = viewer.user_id.ok_or(Error::Unauthenticated)?;
    if !matches!(item.status, Status::Published | Status::NeedsReview) {
        return Err(Error::Refused("error-feedback-unpublished"));
    }
    Ok((item, user_id))
}

/// A reader marks an item helpful or outdated. Outdated sends it to the
/// facilitators' review queue.
pub fn give_feedback(
    conn: &mut AnyConnection,
    viewer: Viewer,
    item_id: i64,
    kind: FeedbackKind,
    comment: &str,
) -> Result<()> {
    let (item, user_id) = published_for_reader(conn, viewer, item_id)?;
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
    let reviewer = viewer.user_id.ok_or(Error::Unauthenticated)?;
    write_tx(conn, |conn| {
        diesel::insert_into(reviews::table)
            .values((
                reviews::item_id.eq(item_id),
                reviews::reviewer_id.eq(reviewer),
                reviews::outcome.eq(crate::vocab::ReviewOutcome::Confirmed),
                reviews::due_on.eq(item.review_on),
                reviews::reviewed_at.eq(now()),
            ))
            .execute(conn)?;
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

/// The most minutes one report may say it saved (a working month).
pub const MAX_MINUTES_SAVED: i32 = 60 * 8 * 22;

/// "I applied this": a reader used the item in their work, optionally with
/// the minutes it saved and a short story. One report per person and item;
/// a second replaces the first. An outcome the insights count, and credit
/// for the people the item cites (not for reporting one's own item).
pub fn report_applied(
    conn: &mut AnyConnection,
    viewer: Viewer,
    item_id: i64,
    minutes_saved: Option<i32>,
    story: &str,
) -> Result<()> {
    let (_, user_id) = published_for_reader(conn, viewer, item_id)?;
    let mut v = Validator::default();
    v.optional_text("story", story, MAX_NOTE_CHARS);
    v.check(
        minutes_saved.is_none_or(|m| (0..=MAX_MINUTES_SAVED).contains(&m)),
        crate::error::FieldError::with_limit("minutes_saved", "error-out-of-range", MAX_MINUTES_SAVED as i64),
    );
    v.finish()?;
    write_tx(conn, |conn| {
        diesel::delete(applied::table.filter(applied::item_id.eq(item_id)).filter(applied::user_id.eq(user_id)))
            .execute(conn)?;
        diesel::insert_into(applied::table)
            .values((
                applied::item_id.eq(item_id),
                applied::user_id.eq(user_id),
                applied::minutes_saved.eq(minutes_saved),
                applied::story.eq(story.trim()),
                applied::created_at.eq(now()),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// The item page for a reader, counted as read.
pub fn open_item(conn: &mut AnyConnection, viewer: Viewer, item_id: i64) -> Result<views::ItemPage> {
    let page = views::item_page(conn, viewer, item_id)?;
    record_read(conn, viewer, item_id)?;
    Ok(page)
}

/// Counts a signed-in reader's view of an item, once per day (the
/// insights' knowledge views). The anonymous are not counted.
fn record_read(conn: &mut AnyConnection, viewer: Viewer, item_id: i64) -> Result<()> {
    let Some(user_id) = viewer.user_id else { return Ok(()) };
    let today = crate::i18n::bangkok_today();
    let key = (item_id, user_id, today);
    let seen: i64 = reads::table.find(key).count().get_result(conn)?;
    if seen == 0 {
        // Two tabs at once may race: the second insert finds the row there.
        let inserted = diesel::insert_into(reads::table)
            .values((reads::item_id.eq(item_id), reads::user_id.eq(user_id), reads::read_on.eq(today)))
            .execute(conn);
        match inserted {
            Ok(_)
            | Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}
