//! Resolution and distillation: a resolved thread becomes a curated,
//! revisioned knowledge item with provenance (cited posts, kept as they were
//! when cited) and credit (contributors). Write rules live here; what pages
//! show is in [`views`]; comparing revisions is [`diff`].

pub mod diff;
pub mod views;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::audit::{self, AuditAction, Target};
use crate::authz::{authorize, Action, Standing, Viewer};
use crate::communities;
use crate::db::schema::{
    knowledge_citations as citations, knowledge_contributors as contributors, knowledge_feedback as feedback,
    knowledge_items as items, knowledge_revisions as revisions, knowledge_suggestions as suggestions,
    knowledge_tags as tags, posts, threads as threads_t,
};
use crate::db::{now, write_tx, AnyConnection};
use crate::error::{Error, FieldError, Result, Validator};
use crate::markdown;
use crate::search;
use crate::threads::{self, Post, Thread, ThreadKind};

pub const MAX_SUMMARY_CHARS: usize = 300;
const MAX_SECTION_CHARS: usize = 50_000;
const MAX_TAGS: usize = 10;
const MAX_TAG_CHARS: usize = 40;
/// How long a published item stays trusted before it is due for review.
const DEFAULT_REVIEW_DAYS: i64 = 180;

pub use crate::vocab::ItemStatus as Status;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = items)]
pub struct Item {
    pub id: i64,
    pub community_id: i64,
    pub source_thread_id: Option<i64>,
    pub status: Status,
    pub title: String,
    pub summary: String,
    /// Comma-separated, for display; `knowledge_tags` is what filters use.
    pub tags: String,
    pub review_on: Option<NaiveDate>,
    pub last_reviewed_at: Option<chrono::NaiveDateTime>,
    pub current_revision: i32,
    pub created_by: i64,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    pub published_at: Option<chrono::NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = revisions)]
pub struct Revision {
    pub id: i64,
    pub item_id: i64,
    pub number: i32,
    pub author_id: i64,
    pub note: String,
    pub title: String,
    pub summary: String,
    pub context_md: String,
    pub context_html: String,
    pub solution_md: String,
    pub solution_html: String,
    pub lessons_md: String,
    pub lessons_html: String,
    pub tags: String,
    pub review_on: Option<NaiveDate>,
    pub created_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = suggestions)]
pub struct Suggestion {
    pub id: i64,
    pub item_id: i64,
    pub author_id: i64,
    pub note: String,
    pub title: String,
    pub summary: String,
    pub context_md: String,
    pub solution_md: String,
    pub lessons_md: String,
    pub tags: String,
    pub status: String,
    pub decided_by: Option<i64>,
    pub decided_at: Option<chrono::NaiveDateTime>,
    pub decline_reason: Option<String>,
    pub created_at: chrono::NaiveDateTime,
}

/// The editable parts of an item, as Markdown.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Sections {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub context: String,
    #[serde(default)]
    pub solution: String,
    #[serde(default)]
    pub lessons: String,
    /// Comma-separated.
    #[serde(default)]
    pub tags: String,
    #[serde(default)]
    pub review_on: Option<NaiveDate>,
}

impl Sections {
    fn of_revision(r: &Revision) -> Sections {
        Sections {
            title: r.title.clone(),
            summary: r.summary.clone(),
            context: r.context_md.clone(),
            solution: r.solution_md.clone(),
            lessons: r.lessons_md.clone(),
            tags: r.tags.clone(),
            review_on: r.review_on,
        }
    }

    fn of_suggestion(s: &Suggestion) -> Sections {
        Sections {
            title: s.title.clone(),
            summary: s.summary.clone(),
            context: s.context_md.clone(),
            solution: s.solution_md.clone(),
            lessons: s.lessons_md.clone(),
            tags: s.tags.clone(),
            review_on: None,
        }
    }

    /// Checks every field and returns the normalised tag list.
    fn validate(&self) -> Result<Vec<String>> {
        let tag_list = normalise_tags(&self.tags);
        let mut v = Validator::default();
        v.line("title", &self.title, threads::MAX_TITLE_CHARS);
        v.text("summary", &self.summary, MAX_SUMMARY_CHARS);
        v.text("context", &self.context, MAX_SECTION_CHARS);
        v.text("solution", &self.solution, MAX_SECTION_CHARS);
        v.optional_text("lessons", &self.lessons, MAX_SECTION_CHARS);
        v.plain("tags", &self.tags);
        v.check(tag_list.len() <= MAX_TAGS, FieldError::with_limit("tags", "error-too-many-tags", MAX_TAGS as i64));
        v.check(
            tag_list.iter().all(|t| t.chars().count() <= MAX_TAG_CHARS),
            FieldError::with_limit("tags", "error-tag-too-long", MAX_TAG_CHARS as i64),
        );
        v.finish()?;
        Ok(tag_list)
    }
}

/// Tags: trimmed, lower-cased, `#` dropped, no duplicates, in order.
pub fn normalise_tags(raw: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in raw.split([',', '\n']) {
        let t = tag.trim().trim_start_matches('#').trim().to_lowercase();
        if !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Loads an item with the viewer's standing in its community. Drafts are
/// visible to curators only; for anyone else they do not exist.
pub fn readable(conn: &mut AnyConnection, viewer: Viewer, item_id: i64) -> Result<(Item, Standing)> {
    let item: Item = items::table.find(item_id).select(Item::as_select()).first(conn)?;
    let community = communities::by_id(conn, item.community_id)?;
    let (_, standing) = communities::readable(conn, viewer, &community.slug)?;
    if item.status == Status::Draft && !crate::authz::can(viewer, standing, Action::CurateKnowledge) {
        return Err(Error::NotFound);
    }
    Ok((item, standing))
}

fn curated(conn: &mut AnyConnection, viewer: Viewer, item_id: i64) -> Result<Item> {
    let (item, standing) = readable(conn, viewer, item_id)?;
    authorize(viewer, standing, Action::CurateKnowledge)?;
    Ok(item)
}

fn thread_standing(conn: &mut AnyConnection, viewer: Viewer, thread_id: i64) -> Result<(Thread, Standing, i64)> {
    let ctx = threads::readable(conn, viewer, thread_id)?;
    Ok((ctx.thread, ctx.standing, ctx.community.id))
}

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
            crate::notifications::record(
                conn,
                thread.author_id,
                crate::notifications::RESOLVED,
                thread_id,
                Some(accepted),
                resolver,
            )?;
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

/// What the distill editor starts from.
#[derive(Debug, Serialize)]
pub struct DistillDraft {
    pub thread: Thread,
    pub community_id: i64,
    pub sections: Sections,
    /// Replies that may be cited (the accepted answer first, ticked).
    pub candidates: Vec<Candidate>,
}

#[derive(Debug, Serialize)]
pub struct Candidate {
    pub post_id: i64,
    pub author: threads::views::AuthorRef,
    pub body_md: String,
    pub body_html: String,
    pub accepted: bool,
}

fn require_distillable(conn: &mut AnyConnection, viewer: Viewer, thread_id: i64) -> Result<(Thread, i64)> {
    let (thread, standing, community_id) = thread_standing(conn, viewer, thread_id)?;
    authorize(viewer, standing, Action::Distill)?;
    if !is_resolved(&thread) {
        return Err(Error::Refused("error-not-resolved"));
    }
    Ok((thread, community_id))
}

pub fn distill_draft(conn: &mut AnyConnection, viewer: Viewer, thread_id: i64) -> Result<DistillDraft> {
    use crate::db::schema::users;
    let (thread, community_id) = require_distillable(conn, viewer, thread_id)?;
    let opening = threads::opening_post(conn, thread_id)?;
    let replies: Vec<(Post, threads::views::AuthorRef)> = posts::table
        .inner_join(users::table)
        .filter(posts::thread_id.eq(thread_id))
        .filter(posts::parent_id.is_not_null())
        .filter(posts::is_deleted.eq(false))
        .order(posts::id.asc())
        .select((Post::as_select(), (users::id, users::username, users::display_name)))
        .load(conn)?;
    let accepted_md = thread
        .accepted_post_id
        .and_then(|id| replies.iter().find(|(p, _)| p.id == id).map(|(p, _)| p.body_md.clone()))
        .unwrap_or_default();
    let mut candidates: Vec<Candidate> = replies
        .into_iter()
        .map(|(p, author)| Candidate {
            accepted: Some(p.id) == thread.accepted_post_id,
            post_id: p.id,
            author,
            body_md: p.body_md,
            body_html: p.body_html,
        })
        .collect();
    candidates.sort_by_key(|c| !c.accepted);
    let sections = Sections {
        title: thread.title.clone(),
        summary: String::new(),
        context: opening.body_md,
        solution: accepted_md,
        lessons: String::new(),
        tags: String::new(),
        review_on: Some(today() + chrono::Duration::days(DEFAULT_REVIEW_DAYS)),
    };
    Ok(DistillDraft { thread, community_id, sections, candidates })
}

fn add_contributor(conn: &mut AnyConnection, item_id: i64, user_id: i64, role: ContributorRole) -> Result<()> {
    let exists = contributors::table.find((item_id, user_id, role)).count().get_result::<i64>(conn)? > 0;
    if !exists {
        diesel::insert_into(contributors::table)
            .values((contributors::item_id.eq(item_id), contributors::user_id.eq(user_id), contributors::role.eq(role)))
            .execute(conn)?;
    }
    Ok(())
}

fn replace_tags(conn: &mut AnyConnection, item_id: i64, tag_list: &[String]) -> Result<()> {
    diesel::delete(tags::table.filter(tags::item_id.eq(item_id))).execute(conn)?;
    for tag in tag_list {
        diesel::insert_into(tags::table).values((tags::item_id.eq(item_id), tags::tag.eq(tag))).execute(conn)?;
    }
    Ok(())
}

/// Writes revision `number` of an item and makes it current.
fn write_revision(
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
            revisions::context_html.eq(markdown::render(&s.context)),
            revisions::solution_md.eq(&s.solution),
            revisions::solution_html.eq(markdown::render(&s.solution)),
            revisions::lessons_md.eq(&s.lessons),
            revisions::lessons_html.eq(markdown::render(&s.lessons)),
            revisions::tags.eq(&tags_text),
            revisions::review_on.eq(review_on),
            revisions::created_at.eq(now()),
        ))
        .returning(revisions::all_columns)
        .get_result(conn)?;
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

#[derive(Debug, Clone, Default, Deserialize)]
pub struct DistillInput {
    #[serde(flatten)]
    pub sections: Sections,
    /// Posts to quote, in order.
    #[serde(default)]
    pub cite: Vec<i64>,
}

/// Turns a resolved thread into a draft knowledge item.
pub fn distill(conn: &mut AnyConnection, viewer: Viewer, thread_id: i64, input: &DistillInput) -> Result<Item> {
    let (thread, community_id) = require_distillable(conn, viewer, thread_id)?;
    let distiller = viewer.user_id.ok_or(Error::Unauthenticated)?;
    let tag_list = input.sections.validate()?;
    let mut cited: Vec<Post> = Vec::new();
    for post_id in &input.cite {
        let post =
            threads::post_by_id(conn, *post_id).map_err(|_| Error::invalid("cite", "error-cite-not-in-thread"))?;
        if post.thread_id != thread_id || post.is_deleted {
            return Err(Error::invalid("cite", "error-cite-not-in-thread"));
        }
        if !cited.iter().any(|p| p.id == post.id) {
            cited.push(post);
        }
    }
    let opening = threads::opening_post(conn, thread_id)?;
    write_tx(conn, |conn| {
        let at = now();
        let item: Item = diesel::insert_into(items::table)
            .values((
                items::community_id.eq(community_id),
                items::source_thread_id.eq(Some(thread_id)),
                items::status.eq(Status::Draft),
                items::title.eq(input.sections.title.trim()),
                items::summary.eq(input.sections.summary.trim()),
                items::tags.eq(""),
                items::review_on.eq(input.sections.review_on),
                items::current_revision.eq(0),
                items::created_by.eq(distiller),
                items::created_at.eq(at),
                items::updated_at.eq(at),
            ))
            .returning(items::all_columns)
            .get_result(conn)?;
        write_revision(conn, &item, 1, distiller, "", &input.sections, &tag_list)?;
        for (position, post) in cited.iter().enumerate() {
            diesel::insert_into(citations::table)
                .values((
                    citations::item_id.eq(item.id),
                    citations::post_id.eq(Some(post.id)),
                    citations::author_id.eq(post.author_id),
                    citations::excerpt_md.eq(&post.body_md),
                    citations::excerpt_html.eq(&post.body_html),
                    citations::position.eq(position as i32),
                    citations::created_at.eq(at),
                ))
                .execute(conn)?;
            add_contributor(conn, item.id, post.author_id, ContributorRole::Author)?;
        }
        // The asker and the accepted answer's author contributed too: their
        // words open the context and solution sections.
        add_contributor(conn, item.id, opening.author_id, ContributorRole::Author)?;
        if let Some(accepted) = thread.accepted_post_id {
            let post = threads::post_by_id(conn, accepted)?;
            add_contributor(conn, item.id, post.author_id, ContributorRole::Author)?;
        }
        add_contributor(conn, item.id, distiller, ContributorRole::Distiller)?;
        threads::bump(conn, thread_id, None)?;
        audit::by(conn, viewer, community_id, AuditAction::KnowledgeDistill, Target::Knowledge(item.id), None)?;
        Ok(items::table.find(item.id).select(Item::as_select()).first(conn)?)
    })
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
    write_tx(conn, |conn| {
        touch_source_thread(conn, &item)?;
        diesel::update(items::table.find(item_id))
            .set((items::status.eq(status), items::published_at.eq(published_at), items::updated_at.eq(now())))
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
        Ok(items::table.find(item_id).select(Item::as_select()).first(conn)?)
    })
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
            suggestions::status.eq("pending"),
            suggestions::created_at.eq(now()),
        ))
        .returning(suggestions::all_columns)
        .get_result(conn)?)
}

fn pending_suggestion(conn: &mut AnyConnection, viewer: Viewer, suggestion_id: i64) -> Result<(Suggestion, Item)> {
    let suggestion: Suggestion = suggestions::table.find(suggestion_id).select(Suggestion::as_select()).first(conn)?;
    let item = curated(conn, viewer, suggestion.item_id)?;
    if suggestion.status != "pending" {
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
                suggestions::status.eq("accepted"),
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
    v.text("reason", reason, 2_000);
    v.finish()?;
    diesel::update(suggestions::table.find(suggestion_id))
        .set((
            suggestions::status.eq("declined"),
            suggestions::decided_by.eq(Some(decider)),
            suggestions::decided_at.eq(Some(now())),
            suggestions::decline_reason.eq(Some(reason.trim())),
        ))
        .execute(conn)?;
    Ok(())
}

pub use crate::vocab::{ContributorRole, FeedbackKind};

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
        v.text("comment", comment, 2_000);
    } else {
        v.optional_text("comment", comment, 2_000);
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
