//! Resolution and distillation: a resolved thread becomes a curated,
//! revisioned knowledge item with provenance (cited posts, kept as they were
//! when cited) and credit (contributors). Write rules live here; what pages
//! show is in [`views`]; comparing revisions is [`diff`].

pub mod diff;
mod distilling;
mod resolution;
mod review;
mod revising;
pub mod schedule;
mod suggesting;
pub mod views;

pub use crate::vocab::{ContributorRole, FeedbackKind, SuggestionStatus};
pub use distilling::{distill, distill_draft, Candidate, DistillDraft, DistillInput};
pub use resolution::{is_resolved, mark_ready, resolve};
pub use review::{give_feedback, open_item, reconfirm, report_applied, MAX_MINUTES_SAVED};
pub use revising::{archive, change_status, compare, publish, restore, revise, revision};
pub use suggesting::{accept_suggestion, decline_suggestion, suggest};

// Shared by the writing submodules (each `use super::*`).
use revising::{add_contributor, write_revision};

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
use crate::error::{Error, Result, Validator};
use crate::files;
use crate::search;
use crate::threads::{self, Post, Thread, ThreadKind};

pub const MAX_SUMMARY_CHARS: usize = 300;
/// A reader's comment or a curator's reason: a paragraph, not an article.
const MAX_NOTE_CHARS: usize = 2_000;
pub const MAX_SECTION_CHARS: usize = 50_000;
const MAX_TAGS: usize = 10;

pub use crate::vocab::ItemStatus as Status;

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
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
    /// Who keeps the item right: reminded when its review is due. The
    /// distiller, until a facilitator hands it on.
    pub owner_id: Option<i64>,
    /// The due date a reminder was sent for (one reminder per due date).
    #[serde(skip)]
    pub review_reminded_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
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

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
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
    pub status: SuggestionStatus,
    pub decided_by: Option<i64>,
    pub decided_at: Option<chrono::NaiveDateTime>,
    pub decline_reason: Option<String>,
    pub created_at: chrono::NaiveDateTime,
}

/// The editable parts of an item, as Markdown.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema, Deserialize)]
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
    /// A revision's content, as the editor holds it.
    pub fn of_revision(r: &Revision) -> Sections {
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
        let mut v = Validator::default();
        v.line("title", &self.title, threads::MAX_TITLE_CHARS);
        v.text("summary", &self.summary, MAX_SUMMARY_CHARS);
        v.text("context", &self.context, MAX_SECTION_CHARS);
        v.text("solution", &self.solution, MAX_SECTION_CHARS);
        v.optional_text("lessons", &self.lessons, MAX_SECTION_CHARS);
        let tag_list = crate::tags::validate(&mut v, "tags", &self.tags, MAX_TAGS);
        v.finish()?;
        Ok(tag_list)
    }
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
