//! Revisions: every change to an item is a new revision; restoring copies
//! an old one; publishing and archiving; comparing two revisions.

use super::*;

pub(super) fn add_contributor(
    conn: &mut AnyConnection,
    item_id: i64,
    user_id: i64,
    role: ContributorRole,
) -> Result<()> {
    let exists = contributors::table.find((item_id, user_id, role)).count().get_result::<i64>(conn)? > 0;
    if !exists {
        diesel::insert_into(contributors::table)
            .values((contributors::item_id.eq(item_id), contributors::user_id.eq(user_id), contributors::role.eq(role)))
            .execute(conn)?;
    }
    Ok(())
}

pub(super) fn replace_tags(conn: &mut AnyConnection, item_id: i64, tag_list: &[String]) -> Result<()> {
    diesel::delete(tags::table.filter(tags::item_id.eq(item_id))).execute(conn)?;
    for tag in tag_list {
        diesel::insert_into(tags::table).values((tags::item_id.eq(item_id), tags::tag.eq(tag))).execute(conn)?;
    }
    Ok(())
}

/// Writes revision `number` of an item and makes it current.
pub(super) fn write_revision(
    conn: &mut AnyConnection,
    item: &Item,
    number: i32,
    author_id: i64,
    note: &str,
    s: &Sections,
    tag_list: &[String],
) -> Result<Revision> {
    let tags_text = tag_list.join(", ");
    let review_on = s.review_on.or(item.review_on);
    let revision: Revision = diesel::insert_into(revisions::table)
        .values((
            revisions::item_id.eq(item.id),
            revisions::number.eq(number),
            revisions::author_id.eq(author_id),
            revisions::note.eq(note.trim()),
            revisions::title.eq(s.title.trim()),
            revisions::summary.eq(s.summary.trim()),
            revisions::context_md.eq(&s.context),
            revisions::context_html.eq(files::render(conn, item.community_id, &s.context)?),
            revisions::solution_md.eq(&s.solution),
            revisions::solution_html.eq(files::render(conn, item.community_id, &s.solution)?),
            revisions::lessons_md.eq(&s.lessons),
            revisions::lessons_html.eq(files::render(conn, item.community_id, &s.lessons)?),
            revisions::tags.eq(&tags_text),
            revisions::review_on.eq(review_on),
            revisions::created_at.eq(now()),
        ))
        .returning(revisions::all_columns)
        .get_result(conn)?;
    files::link_revision(conn, revision.id, item.community_id, &[&s.context, &s.solution, &s.lessons])?;
    diesel::update(items::table.find(item.id))
        .set((
            items::title.eq(s.title.trim()),
            items::summary.eq(s.summary.trim()),
            items::tags.eq(&tags_text),
            items::review_on.eq(review_on),
            items::current_revision.eq(number),
            items::updated_at.eq(now()),
        ))
        .execute(conn)?;
    replace_tags(conn, item.id, tag_list)?;
    search::index::item(conn, item.id)?;
    Ok(revision)
}

/// A curator's new revision.
pub fn revise(
    conn: &mut AnyConnection,
    viewer: Viewer,
    item_id: i64,
    sections: &Sections,
    note: &str,
) -> Result<Revision> {
    let item = curated(conn, viewer, item_id)?;
    let author = viewer.user_id.ok_or(Error::Unauthenticated)?;
    let tag_list = sections.validate()?;
    write_tx(conn, |conn| {
        let revision = write_revision(conn, &item, item.current_revision + 1, author, note, sections, &tag_list)?;
        add_contributor(conn, item.id, author, ContributorRole::Editor)?;
        touch_source_thread(conn, &item)?;
        super::schedule::answered_by(conn, &item, author, crate::vocab::ReviewOutcome::Revised)?;
        Ok(revision)
    })
}

pub fn revision(conn: &mut AnyConnection, item_id: i64, number: i32) -> Result<Revision> {
    Ok(revisions::table
        .filter(revisions::item_id.eq(item_id))
        .filter(revisions::number.eq(number))
        .select(Revision::as_select())
        .first(conn)?)
}

/// Brings back an old revision's content as a new revision.
pub fn restore(conn: &mut AnyConnection, viewer: Viewer, item_id: i64, number: i32, note: &str) -> Result<Revision> {
    let item = curated(conn, viewer, item_id)?;
    let old = revision(conn, item_id, number)?;
    write_tx(conn, |conn| {
        let restored = revise(conn, viewer, item_id, &Sections::of_revision(&old), note)?;
        let entry = audit::Entry {
            community_id: Some(item.community_id),
            actor_id: viewer.user_id,
            action: AuditAction::KnowledgeRestore,
            target: Target::Knowledge(item_id),
            subject_user_id: None,
            reason: note,
        };
        audit::record(conn, &entry)?;
        Ok(restored)
    })
}

/// The source thread's banner shows the item: its cached pages must go.
fn touch_source_thread(conn: &mut AnyConnection, item: &Item) -> Result<()> {
    if let Some(thread_id) = item.source_thread_id {
        threads::bump(conn, thread_id, None)?;
    }
    Ok(())
}

fn set_status(conn: &mut AnyConnection, viewer: Viewer, item_id: i64, status: Status) -> Result<Item> {
    let item = curated(conn, viewer, item_id)?;
    let published_at = match status {
        Status::Published => item.published_at.or(Some(now())),
        _ => item.published_at,
    };
    // Published knowledge always has a review date: the community's interval
    // from today when the curator set none.
    let review_on = match (status, item.review_on) {
        (Status::Published, None) => Some(super::schedule::next_review_on(conn, item.community_id)?),
        (_, set) => set,
    };
    write_tx(conn, |conn| {
        touch_source_thread(conn, &item)?;
        diesel::update(items::table.find(item_id))
            .set((
                items::status.eq(status),
                items::published_at.eq(published_at),
                items::review_on.eq(review_on),
                items::updated_at.eq(now()),
            ))
            .execute(conn)?;
        search::index::item(conn, item_id)?;
        let action = match status {
            Status::Archived => Some(AuditAction::KnowledgeArchive),
            Status::Published => Some(AuditAction::KnowledgePublish),
            _ => None,
        };
        if let Some(action) = action {
            audit::by(conn, viewer, item.community_id, action, Target::Knowledge(item_id), None)?;
        }
        if status == Status::Published && item.published_at.is_none() {
            credit_cited_authors(conn, viewer, &item)?;
        }
        if let (Status::Archived, Some(reviewer)) = (status, viewer.user_id) {
            super::schedule::answered_by(conn, &item, reviewer, crate::vocab::ReviewOutcome::Archived)?;
        }
        Ok(items::table.find(item_id).select(Item::as_select()).first(conn)?)
    })
}

/// Tells the people whose posts an item quotes that their knowledge is now
/// published (once, at first publication): recognition is part of KM.
fn credit_cited_authors(conn: &mut AnyConnection, viewer: Viewer, item: &Item) -> Result<()> {
    let (Some(thread_id), Some(publisher)) = (item.source_thread_id, viewer.user_id) else { return Ok(()) };
    let cited: Vec<(Option<i64>, i64)> = citations::table
        .filter(citations::item_id.eq(item.id))
        .order(citations::position.asc())
        .select((citations::post_id, citations::author_id))
        .load(conn)?;
    let mut told = Vec::new();
    for (post_id, author_id) in cited {
        if !told.contains(&author_id) {
            told.push(author_id);
            crate::notifications::record(conn, author_id, crate::notifications::CITED, thread_id, post_id, publisher)?;
        }
    }
    Ok(())
}

/// Publish or archive by the name in the URL (`publish`, `archive`).
pub fn change_status(conn: &mut AnyConnection, viewer: Viewer, item_id: i64, action: &str) -> Result<Item> {
    match action {
        "publish" => publish(conn, viewer, item_id),
        "archive" => archive(conn, viewer, item_id),
        _ => Err(Error::NotFound),
    }
}

/// Two revisions of an item the viewer may read, compared section by section.
pub fn compare(
    conn: &mut AnyConnection,
    viewer: Viewer,
    item_id: i64,
    from: i32,
    to: i32,
) -> Result<(Item, Vec<diff::SectionDiff>)> {
    let (item, _) = readable(conn, viewer, item_id)?;
    let old = revision(conn, item_id, from)?;
    let new = revision(conn, item_id, to)?;
    Ok((item, diff::revisions(&old, &new)))
}

pub fn publish(conn: &mut AnyConnection, viewer: Viewer, item_id: i64) -> Result<Item> {
    set_status(conn, viewer, item_id, Status::Published)
}

pub fn archive(conn: &mut AnyConnection, viewer: Viewer, item_id: i64) -> Result<Item> {
    set_status(conn, viewer, item_id, Status::Archived)
}
