//! Tags: one vocabulary for threads and knowledge items, so that a tag page
//! lists both and who-knows-what can rank people per tag. Normalising, a
//! thread's tags, suggestions from a new question's title, a community's
//! vocabulary, and renaming or merging it (facilitators).

use diesel::prelude::*;

use crate::authz::{authorize, Action, Viewer};
use crate::communities;
use crate::db::schema::{boards, knowledge_items as items, knowledge_tags, thread_tags, threads};
use crate::db::{write_tx, AnyConnection};
use crate::error::{FieldError, Result, Validator};

/// Longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 40;
/// Most tags on one thread (a knowledge item may have more).
pub const MAX_THREAD_TAGS: usize = 5;
/// Most tags suggested for a title.
const MAX_SUGGESTED: usize = 5;

/// Tags: trimmed, lower-cased, `#` dropped, no duplicates, in order.
pub fn normalise(raw: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in raw.split([',', '\n']) {
        let t = tag.trim().trim_start_matches('#').trim().to_lowercase();
        if !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// Checks a comma-separated tag field and returns its tags.
pub fn validate(v: &mut Validator, field: &'static str, raw: &str, max_tags: usize) -> Vec<String> {
    let tag_list = normalise(raw);
    v.plain(field, raw);
    v.check(tag_list.len() <= max_tags, FieldError::with_limit(field, "error-too-many-tags", max_tags as i64));
    v.check(
        tag_list.iter().all(|t| t.chars().count() <= MAX_TAG_CHARS),
        FieldError::with_limit(field, "error-tag-too-long", MAX_TAG_CHARS as i64),
    );
    tag_list
}

pub fn of_thread(conn: &mut AnyConnection, thread_id: i64) -> Result<Vec<String>> {
    Ok(thread_tags::table
        .filter(thread_tags::thread_id.eq(thread_id))
        .order(thread_tags::tag.asc())
        .select(thread_tags::tag)
        .load(conn)?)
}

/// Replaces a thread's tags. Call in the writing transaction.
pub fn set_for_thread(conn: &mut AnyConnection, thread_id: i64, tag_list: &[String]) -> Result<()> {
    diesel::delete(thread_tags::table.filter(thread_tags::thread_id.eq(thread_id))).execute(conn)?;
    for tag in tag_list {
        diesel::insert_into(thread_tags::table)
            .values((thread_tags::thread_id.eq(thread_id), thread_tags::tag.eq(tag)))
            .execute(conn)?;
    }
    Ok(())
}

/// A community's tags with how many threads and knowledge items carry
/// each, most used first.
pub fn vocabulary(conn: &mut AnyConnection, community_id: i64) -> Result<Vec<(String, i64)>> {
    let on_threads: Vec<String> = thread_tags::table
        .inner_join(threads::table.inner_join(boards::table))
        .filter(boards::community_id.eq(community_id))
        .select(thread_tags::tag)
        .load(conn)?;
    let on_items: Vec<String> = knowledge_tags::table
        .inner_join(items::table)
        .filter(items::community_id.eq(community_id))
        .select(knowledge_tags::tag)
        .load(conn)?;
    let mut counts: std::collections::BTreeMap<String, i64> = Default::default();
    for tag in on_threads.into_iter().chain(on_items) {
        *counts.entry(tag).or_default() += 1;
    }
    let mut list: Vec<(String, i64)> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(list)
}

/// Tags of the community's vocabulary that a title contains (Thai has no
/// spaces, so containing is the test), most used first.
pub fn suggest_for_title(conn: &mut AnyConnection, community_id: i64, title: &str) -> Result<Vec<String>> {
    let title = title.to_lowercase();
    Ok(vocabulary(conn, community_id)?
        .into_iter()
        .map(|(tag, _)| tag)
        .filter(|tag| title.contains(tag.as_str()))
        .take(MAX_SUGGESTED)
        .collect())
}

/// Renames a tag throughout a community's threads and knowledge; when the
/// new name is already in use there, the two merge. Facilitators only.
pub fn rename(conn: &mut AnyConnection, viewer: Viewer, community_id: i64, from: &str, to: &str) -> Result<()> {
    let standing = communities::standing(conn, viewer, community_id)?;
    authorize(viewer, standing, Action::CurateKnowledge)?;
    let mut v = Validator::default();
    let from = validate(&mut v, "from", from, 1);
    let to = validate(&mut v, "to", to, 1);
    v.check(!from.is_empty(), FieldError::new("from", "error-required"));
    v.check(!to.is_empty(), FieldError::new("to", "error-required"));
    v.finish()?;
    let (from, to) = (&from[0], &to[0]);
    if from == to {
        return Ok(());
    }
    write_tx(conn, |conn| {
        let thread_ids: Vec<i64> = thread_tags::table
            .inner_join(threads::table.inner_join(boards::table))
            .filter(boards::community_id.eq(community_id))
            .filter(thread_tags::tag.eq(from))
            .select(thread_tags::thread_id)
            .load(conn)?;
        for thread_id in thread_ids {
            let mut list = of_thread(conn, thread_id)?;
            replace_in(&mut list, from, to);
            set_for_thread(conn, thread_id, &list)?;
            // The thread page shows its tags: a new version (as
            // `threads::bump` does; `threads` uses this module).
            diesel::update(threads::table.find(thread_id))
                .set(threads::version.eq(threads::version + 1))
                .execute(conn)?;
        }
        let item_ids: Vec<i64> = knowledge_tags::table
            .inner_join(items::table)
            .filter(items::community_id.eq(community_id))
            .filter(knowledge_tags::tag.eq(from))
            .select(knowledge_tags::item_id)
            .load(conn)?;
        for item_id in item_ids {
            let shown: String = items::table.find(item_id).select(items::tags).first(conn)?;
            let mut list = normalise(&shown);
            replace_in(&mut list, from, to);
            diesel::delete(knowledge_tags::table.filter(knowledge_tags::item_id.eq(item_id))).execute(conn)?;
            for tag in &list {
                diesel::insert_into(knowledge_tags::table)
                    .values((knowledge_tags::item_id.eq(item_id), knowledge_tags::tag.eq(tag)))
                    .execute(conn)?;
            }
            diesel::update(items::table.find(item_id)).set(items::tags.eq(list.join(", "))).execute(conn)?;
        }
        Ok(())
    })
}

/// `from` becomes `to` in a list, which keeps one `to`.
fn replace_in(list: &mut Vec<String>, from: &str, to: &str) {
    let had_to = list.iter().any(|t| t == to);
    list.retain(|t| t != from || !had_to);
    for tag in list.iter_mut().filter(|t| *t == from) {
        *tag = to.to_owned();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renaming_onto_a_tag_already_there_merges() {
        let mut list = vec!["km".to_owned(), "การจัดการความรู้".to_owned()];
        replace_in(&mut list, "km", "การจัดการความรู้");
        assert_eq!(list, vec!["การจัดการความรู้"]);
        let mut list = vec!["km".to_owned(), "ระเบียบ".to_owned()];
        replace_in(&mut list, "km", "การจัดการความรู้");
        assert_eq!(list, vec!["การจัดการความรู้", "ระเบียบ"]);
    }
}
