//! The review schedule: a published item is trusted until its review date
//! (set from the community's review interval); when that day comes its
//! owner is reminded once (bell and email) to confirm, revise or archive
//! it; past a grace period it shows readers as unverified until someone
//! confirms it.

use super::*;
use crate::db::schema::knowledge_reviews as reviews;
use crate::i18n::bangkok_today;
use crate::notifications;

/// Days past the review date before readers are told the item is unverified.
pub const REVIEW_GRACE_DAYS: i64 = 30;

/// The review date of an item published in a community today.
pub fn next_review_on(conn: &mut AnyConnection, community_id: i64) -> Result<NaiveDate> {
    let months = communities::by_id(conn, community_id)?.review_months.clamp(1, 120) as u32;
    Ok(bangkok_today() + chrono::Months::new(months))
}

/// Whether readers should be told the item is past its review and nobody
/// has confirmed it since.
pub fn is_unverified(item: &Item) -> bool {
    matches!(item.status, Status::Published | Status::NeedsReview)
        && item.review_on.is_some_and(|d| d + chrono::Duration::days(REVIEW_GRACE_DAYS) < bangkok_today())
}

/// Reminds each due item's owner once per due date; the claim on the item
/// row makes one pass of one instance send it. Returns how many were told.
pub fn remind_due(conn: &mut AnyConnection) -> Result<usize> {
    // (item, due on, owner, distiller, source thread)
    type Due = (i64, NaiveDate, Option<i64>, i64, Option<i64>);
    let due: Vec<Due> = items::table
        .filter(items::status.eq_any([Status::Published, Status::NeedsReview]))
        .filter(items::review_on.le(bangkok_today()))
        .filter(items::review_reminded_on.is_null().or(items::review_reminded_on.nullable().ne(items::review_on)))
        .select((
            items::id,
            items::review_on.assume_not_null(),
            items::owner_id,
            items::created_by,
            items::source_thread_id,
        ))
        .load(conn)?;
    let mut reminded = 0;
    for (id, review_on, owner, created_by, thread_id) in due {
        write_tx(conn, |conn| {
            let claimed = diesel::update(
                items::table
                    .find(id)
                    .filter(items::review_reminded_on.is_null().or(items::review_reminded_on.ne(review_on))),
            )
            .set(items::review_reminded_on.eq(Some(review_on)))
            .execute(conn)?;
            if claimed == 1 {
                if let Some(thread_id) = thread_id {
                    notifications::remind(conn, owner.unwrap_or(created_by), notifications::REVIEW_DUE, thread_id)?;
                    reminded += 1;
                }
            }
            Ok(())
        })?;
    }
    Ok(reminded)
}

/// Hands an item to another owner, who will be reminded of its reviews: a
/// member (or facilitator) of its community, chosen by a curator.
pub fn set_owner(conn: &mut AnyConnection, viewer: Viewer, item_id: i64, username: &str) -> Result<Item> {
    let item = curated(conn, viewer, item_id)?;
    let owner = crate::accounts::find_by_username(conn, username.trim()).ok();
    let member = match &owner {
        Some(person) => communities::standing(conn, person.viewer(), item.community_id)? >= Standing::Member,
        None => false,
    };
    let owner = match owner {
        Some(person) if member => person,
        _ => return Err(Error::invalid("username", "error-owner-not-member")),
    };
    write_tx(conn, |conn| {
        Ok(diesel::update(items::table.find(item_id))
            .set(items::owner_id.eq(Some(owner.id)))
            .returning(items::all_columns)
            .get_result(conn)?)
    })
}

/// Whether the item waits for its review now.
fn is_due(item: &Item) -> bool {
    matches!(item.status, Status::Published | Status::NeedsReview)
        && item.review_on.is_some_and(|d| d <= bangkok_today())
}

/// A review answered by revising or archiving a due item is recorded like a
/// confirmation; a revision that left the past date moves it on by the
/// community's interval.
pub(super) fn answered_by(
    conn: &mut AnyConnection,
    item: &Item,
    reviewer: i64,
    outcome: crate::vocab::ReviewOutcome,
) -> Result<()> {
    if !is_due(item) {
        return Ok(());
    }
    diesel::insert_into(reviews::table)
        .values((
            reviews::item_id.eq(item.id),
            reviews::reviewer_id.eq(reviewer),
            reviews::outcome.eq(outcome),
            reviews::due_on.eq(item.review_on),
            reviews::reviewed_at.eq(now()),
        ))
        .execute(conn)?;
    if outcome == crate::vocab::ReviewOutcome::Revised {
        let review_on: Option<NaiveDate> = items::table.find(item.id).select(items::review_on).first(conn)?;
        if review_on.is_none_or(|d| d <= bangkok_today()) {
            let next = next_review_on(conn, item.community_id)?;
            diesel::update(items::table.find(item.id))
                .set((items::review_on.eq(Some(next)), items::last_reviewed_at.eq(Some(now()))))
                .execute(conn)?;
        }
    }
    Ok(())
}
