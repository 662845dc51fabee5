//! Suggestions: members propose a revision; curators accept or decline.

use super::*;

/// Any member proposes a revision of a published item.
pub fn suggest(
    conn: &mut AnyConnection,
    viewer: Viewer,
    item_id: i64,
    sections: &Sections,
    note: &str,
) -> Result<Suggestion> {
    let (item, standing) = readable(conn, viewer, item_id)?;
    authorize(viewer, standing, Action::SuggestEdit)?;
    if !matches!(item.status, Status::Published | Status::NeedsReview) {
        return Err(Error::Refused("error-suggest-unpublished"));
    }
    let author = viewer.user_id.ok_or(Error::Unauthenticated)?;
    let tag_list = sections.validate()?;
    Ok(diesel::insert_into(suggestions::table)
        .values((
            suggestions::item_id.eq(item_id),
            suggestions::author_id.eq(author),
            suggestions::note.eq(note.trim()),
            suggestions::title.eq(sections.title.trim()),
            suggestions::summary.eq(sections.summary.trim()),
            suggestions::context_md.eq(&sections.context),
            suggestions::solution_md.eq(&sections.solution),
            suggestions::lessons_md.eq(&sections.lessons),
            suggestions::tags.eq(tag_list.join(", ")),
            suggestions::status.eq(SuggestionStatus::Pending),
            suggestions::created_at.eq(now()),
        ))
        .returning(suggestions::all_columns)
        .get_result(conn)?)
}

fn pending_suggestion(conn: &mut AnyConnection, viewer: Viewer, suggestion_id: i64) -> Result<(Suggestion, Item)> {
    let suggestion: Suggestion = suggestions::table.find(suggestion_id).select(Suggestion::as_select()).first(conn)?;
    let item = curated(conn, viewer, suggestion.item_id)?;
    if suggestion.status != SuggestionStatus::Pending {
        return Err(Error::Refused("error-suggestion-decided"));
    }
    Ok((suggestion, item))
}

/// The suggestion becomes the current revision, credited to its author.
pub fn accept_suggestion(conn: &mut AnyConnection, viewer: Viewer, suggestion_id: i64) -> Result<Revision> {
    let (suggestion, item) = pending_suggestion(conn, viewer, suggestion_id)?;
    let decider = viewer.user_id.ok_or(Error::Unauthenticated)?;
    let sections = Sections::of_suggestion(&suggestion);
    let tag_list = sections.validate()?;
    write_tx(conn, |conn| {
        let revision = write_revision(
            conn,
            &item,
            item.current_revision + 1,
            suggestion.author_id,
            &suggestion.note,
            &sections,
            &tag_list,
        )?;
        add_contributor(conn, item.id, suggestion.author_id, ContributorRole::Editor)?;
        diesel::update(suggestions::table.find(suggestion_id))
            .set((
                suggestions::status.eq(SuggestionStatus::Accepted),
                suggestions::decided_by.eq(Some(decider)),
                suggestions::decided_at.eq(Some(now())),
            ))
            .execute(conn)?;
        Ok(revision)
    })
}

pub fn decline_suggestion(conn: &mut AnyConnection, viewer: Viewer, suggestion_id: i64, reason: &str) -> Result<()> {
    pending_suggestion(conn, viewer, suggestion_id)?;
    let decider = viewer.user_id.ok_or(Error::Unauthenticated)?;
    let mut v = Validator::default();
    v.text("reason", reason, MAX_NOTE_CHARS);
    v.finish()?;
    diesel::update(suggestions::table.find(suggestion_id))
        .set((
            suggestions::status.eq(SuggestionStatus::Declined),
            suggestions::decided_by.eq(Some(decider)),
            suggestions::decided_at.eq(Some(now())),
            suggestions::decline_reason.eq(Some(reason.trim())),
        ))
        .execute(conn)?;
    Ok(())
}
