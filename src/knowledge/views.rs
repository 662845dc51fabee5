//! Read models for the knowledge base: the item page, indexes, the review
//! queue, and what threads and profiles show of it.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use super::{readable, FeedbackKind, Item, Revision, Status, Suggestion, SuggestionStatus};
use crate::authz::{can, Action, Standing, Viewer};
use crate::communities::{self, Community};
use crate::db::schema::{
    boards, communities as communities_t, knowledge_citations as citations, knowledge_contributors as contributors,
    knowledge_feedback as feedback, knowledge_items as items, knowledge_revisions as revisions,
    knowledge_suggestions as suggestions, knowledge_tags as tags, memberships, threads, users,
};
use crate::db::AnyConnection;
use crate::error::Result;
use crate::threads::views::AuthorRef;

#[derive(Debug, Serialize, utoipa::ToSchema, Queryable)]
pub struct CitationView {
    pub post_id: Option<i64>,
    pub excerpt_html: String,
    pub author: AuthorRef,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Contributor {
    pub user: AuthorRef,
    pub roles: Vec<super::ContributorRole>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SuggestionView {
    #[serde(flatten)]
    pub suggestion: Suggestion,
    pub author: AuthorRef,
}

/// The thread an item was distilled from.
#[derive(Debug, Serialize, utoipa::ToSchema, Queryable)]
pub struct SourceThread {
    pub id: i64,
    pub title: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ItemPage {
    pub item: Item,
    pub status: Status,
    pub community: Community,
    pub standing: Standing,
    pub revision: Revision,
    /// The files this revision cites.
    pub files: Vec<crate::files::AttachmentView>,
    pub citations: Vec<CitationView>,
    pub contributors: Vec<Contributor>,
    pub source_thread: Option<SourceThread>,
    pub helpful_count: i64,
    /// Outdated marks since the last review.
    pub outdated_count: i64,
    pub outdated_comments: Vec<String>,
    pub pending_suggestions: Vec<SuggestionView>,
    pub can_curate: bool,
    pub can_suggest: bool,
    pub review_due: bool,
    /// Past its review date by more than the grace period, unconfirmed:
    /// readers are told not to rely on it without checking.
    pub unverified: bool,
    /// Who is reminded when the item is due for review.
    pub owner: Option<AuthorRef>,
}

fn author(conn: &mut AnyConnection, user_id: i64) -> Result<AuthorRef> {
    Ok(users::table.find(user_id).select((users::id, users::username, users::display_name)).first(conn)?)
}

pub fn item_page(conn: &mut AnyConnection, viewer: Viewer, item_id: i64) -> Result<ItemPage> {
    let (item, standing) = readable(conn, viewer, item_id)?;
    let community = communities::by_id(conn, item.community_id)?;
    let revision = super::revision(conn, item_id, item.current_revision)?;
    let citations = citations::table
        .inner_join(users::table)
        .filter(citations::item_id.eq(item_id))
        .order(citations::position.asc())
        .select((citations::post_id, citations::excerpt_html, (users::id, users::username, users::display_name)))
        .load(conn)?;
    let rows: Vec<(AuthorRef, super::ContributorRole)> = contributors::table
        .inner_join(users::table)
        .filter(contributors::item_id.eq(item_id))
        .order((users::display_name.asc(), contributors::role.asc()))
        .select(((users::id, users::username, users::display_name), contributors::role))
        .load(conn)?;
    let mut people: Vec<Contributor> = Vec::new();
    for (user, role) in rows {
        match people.iter_mut().find(|c| c.user.id == user.id) {
            Some(c) => c.roles.push(role),
            None => people.push(Contributor { user, roles: vec![role] }),
        }
    }
    let source_thread = match item.source_thread_id {
        Some(tid) => {
            threads::table.find(tid).select((threads::id, threads::title)).first::<SourceThread>(conn).optional()?
        }
        None => None,
    };
    let helpful_count = feedback::table
        .filter(feedback::item_id.eq(item_id))
        .filter(feedback::kind.eq(FeedbackKind::Helpful))
        .count()
        .get_result(conn)?;
    let since = item.last_reviewed_at.unwrap_or_default();
    let outdated_comments: Vec<String> = feedback::table
        .filter(feedback::item_id.eq(item_id))
        .filter(feedback::kind.eq(FeedbackKind::Outdated))
        .filter(feedback::created_at.gt(since))
        .order(feedback::id.asc())
        .select(feedback::comment)
        .load(conn)?;
    let can_curate = can(viewer, standing, Action::CurateKnowledge);
    let pending_suggestions = if can_curate { pending_suggestions(conn, item_id)? } else { Vec::new() };
    let unverified = super::schedule::is_unverified(&item);
    let owner = Some(author(conn, item.owner_id.unwrap_or(item.created_by))?);
    let review_due = item.review_on.is_some_and(|d| d <= crate::i18n::bangkok_today());
    Ok(ItemPage {
        status: item.status,
        can_suggest: can(viewer, standing, Action::SuggestEdit)
            && matches!(item.status, Status::Published | Status::NeedsReview),
        item,
        community,
        standing,
        files: crate::files::for_revision(conn, revision.id)?,
        revision,
        citations,
        contributors: people,
        source_thread,
        helpful_count,
        outdated_count: outdated_comments.len() as i64,
        outdated_comments,
        pending_suggestions,
        can_curate,
        review_due,
        unverified,
        owner,
    })
}

fn pending_suggestions(conn: &mut AnyConnection, item_id: i64) -> Result<Vec<SuggestionView>> {
    let rows: Vec<(Suggestion, AuthorRef)> = suggestions::table
        .inner_join(users::table)
        .filter(suggestions::item_id.eq(item_id))
        .filter(suggestions::status.eq(SuggestionStatus::Pending))
        .order(suggestions::id.asc())
        .select((Suggestion::as_select(), (users::id, users::username, users::display_name)))
        .load(conn)?;
    Ok(rows.into_iter().map(|(suggestion, author)| SuggestionView { suggestion, author }).collect())
}

#[derive(Debug, Serialize, utoipa::ToSchema, Queryable)]
pub struct ItemRow {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub tags: String,
    pub status: Status,
    pub review_on: Option<NaiveDate>,
    pub updated_at: chrono::NaiveDateTime,
    pub community_slug: String,
    pub community_name: String,
}

#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListFilter {
    pub community: Option<String>,
    pub tag: Option<String>,
    pub status: Option<String>,
    /// "recent" (default) or "helpful".
    pub sort: Option<String>,
}

/// Knowledge items the viewer may see, newest or most helpful first.
/// Without a status filter: published items (and those awaiting review).
pub fn list(conn: &mut AnyConnection, viewer: Viewer, filter: &ListFilter) -> Result<Vec<ItemRow>> {
    list_at_most(conn, viewer, filter, 200)
}

/// The newest published items, for the home page.
pub fn recently_published(conn: &mut AnyConnection, viewer: Viewer, count: i64) -> Result<Vec<ItemRow>> {
    let filter = ListFilter { status: Some(Status::Published.as_str().to_owned()), ..ListFilter::default() };
    list_at_most(conn, viewer, &filter, count)
}

fn list_at_most(conn: &mut AnyConnection, viewer: Viewer, filter: &ListFilter, limit: i64) -> Result<Vec<ItemRow>> {
    let mine: Vec<i64> = match viewer.user_id {
        Some(uid) => {
            memberships::table.filter(memberships::user_id.eq(uid)).select(memberships::community_id).load(conn)?
        }
        None => Vec::new(),
    };
    let mut query = items::table
        .inner_join(communities_t::table)
        .select((
            items::id,
            items::title,
            items::summary,
            items::tags,
            items::status,
            items::review_on,
            items::updated_at,
            communities_t::slug,
            communities_t::name,
        ))
        .into_boxed();
    if !viewer.is_admin {
        query = query.filter(communities_t::is_public.eq(true).or(communities_t::id.eq_any(mine)));
    }
    if let Some(slug) = filter.community.as_deref().filter(|s| !s.is_empty()) {
        query = query.filter(communities_t::slug.eq(slug.to_owned()));
    }
    if let Some(tag) = filter.tag.as_deref().map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty()) {
        query = query.filter(items::id.eq_any(tags::table.filter(tags::tag.eq(tag)).select(tags::item_id)));
    }
    let wanted = filter.status.as_deref().and_then(Status::parse);
    query = match wanted {
        // Drafts are for curators; the domain re-checks on the item page.
        Some(Status::Draft) if !viewer.is_admin => query.filter(items::id.eq(-1)),
        Some(status) => query.filter(items::status.eq(status)),
        None => query.filter(items::status.eq_any([Status::Published, Status::NeedsReview])),
    };
    let mut rows: Vec<ItemRow> = query.order((items::updated_at.desc(), items::id.desc())).limit(limit).load(conn)?;
    if filter.sort.as_deref() == Some("helpful") {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let helpful: Vec<i64> = feedback::table
            .filter(feedback::item_id.eq_any(&ids))
            .filter(feedback::kind.eq(FeedbackKind::Helpful))
            .select(feedback::item_id)
            .load(conn)?;
        let count = |id: i64| helpful.iter().filter(|h| **h == id).count();
        rows.sort_by_key(|r| std::cmp::Reverse(count(r.id)));
    }
    Ok(rows)
}

/// A community's review queue, for its curators only.
pub fn review_queue_for(conn: &mut AnyConnection, viewer: Viewer, slug: &str) -> Result<(Community, Vec<ItemRow>)> {
    let (community, standing) = communities::readable(conn, viewer, slug)?;
    crate::authz::authorize(viewer, standing, Action::CurateKnowledge)?;
    let rows = review_queue(conn, community.id)?;
    Ok((community, rows))
}

/// Items a facilitator should look at: marked outdated, or past review.
pub fn review_queue(conn: &mut AnyConnection, community_id: i64) -> Result<Vec<ItemRow>> {
    let today = chrono::Utc::now().date_naive();
    Ok(items::table
        .inner_join(communities_t::table)
        .filter(items::community_id.eq(community_id))
        .filter(
            items::status
                .eq(Status::NeedsReview.as_str())
                .or(items::status.eq(Status::Published).and(items::review_on.le(today))),
        )
        .order((items::review_on.asc(), items::id.asc()))
        .select((
            items::id,
            items::title,
            items::summary,
            items::tags,
            items::status,
            items::review_on,
            items::updated_at,
            communities_t::slug,
            communities_t::name,
        ))
        .load(conn)?)
}

/// A thread waiting to be distilled: resolved (or an experience marked
/// ready) and with no knowledge item made from it yet.
#[derive(Debug, Serialize, utoipa::ToSchema, Queryable)]
pub struct DistillCandidate {
    pub thread_id: i64,
    pub title: String,
    pub kind: crate::threads::ThreadKind,
    pub board_name: String,
    pub reply_count: i32,
    pub accepted_post_id: Option<i64>,
    pub resolved_at: Option<chrono::NaiveDateTime>,
    pub author: AuthorRef,
}

/// A community's distill queue, for those who may distill there.
pub fn distill_queue_for(
    conn: &mut AnyConnection,
    viewer: Viewer,
    slug: &str,
) -> Result<(Community, Vec<DistillCandidate>)> {
    let (community, standing) = communities::readable(conn, viewer, slug)?;
    crate::authz::authorize(viewer, standing, Action::Distill)?;
    let rows = distill_queue(conn, community.id)?;
    Ok((community, rows))
}

/// Oldest resolution first: the longer a thread waits, the more likely its
/// knowledge is lost in the board.
pub fn distill_queue(conn: &mut AnyConnection, community_id: i64) -> Result<Vec<DistillCandidate>> {
    let distilled = items::table.filter(items::source_thread_id.eq(threads::id.nullable())).select(items::id);
    Ok(threads::table
        .inner_join(boards::table)
        .inner_join(users::table)
        .filter(boards::community_id.eq(community_id))
        .filter(threads::is_hidden.eq(false))
        .filter(threads::accepted_post_id.is_not_null().or(threads::ready_to_distill.eq(true)))
        .filter(diesel::dsl::not(diesel::dsl::exists(distilled)))
        .order((threads::resolved_at.asc(), threads::id.asc()))
        .select((
            threads::id,
            threads::title,
            threads::kind,
            boards::name,
            threads::reply_count,
            threads::accepted_post_id,
            threads::resolved_at,
            (users::id, users::username, users::display_name),
        ))
        .load(conn)?)
}

/// Drafts waiting in a community, for its curators.
pub fn drafts(conn: &mut AnyConnection, community_id: i64) -> Result<Vec<(i64, String)>> {
    Ok(items::table
        .filter(items::community_id.eq(community_id))
        .filter(items::status.eq(Status::Draft))
        .order(items::id.desc())
        .select((items::id, items::title))
        .load(conn)?)
}

/// Items distilled from a thread (for its banner); drafts only for curators.
pub fn for_thread(
    conn: &mut AnyConnection,
    thread_id: i64,
    include_drafts: bool,
) -> Result<Vec<(i64, String, String)>> {
    let mut q = items::table
        .filter(items::source_thread_id.eq(thread_id))
        .select((items::id, items::title, items::status))
        .into_boxed();
    if !include_drafts {
        q = q.filter(items::status.ne(Status::Draft));
    }
    Ok(q.order(items::id.asc()).load(conn)?)
}

/// Published items a person contributed to, for their profile.
pub fn by_contributor(conn: &mut AnyConnection, viewer: Viewer, user_id: i64) -> Result<Vec<ItemRow>> {
    let ids: Vec<i64> = contributors::table
        .filter(contributors::user_id.eq(user_id))
        .select(contributors::item_id)
        .distinct()
        .load(conn)?;
    let mut rows = list(conn, viewer, &ListFilter::default())?;
    rows.retain(|r| ids.contains(&r.id));
    Ok(rows)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RevisionRow {
    #[serde(flatten)]
    pub revision: Revision,
    pub author: AuthorRef,
}

pub fn revisions_of(conn: &mut AnyConnection, viewer: Viewer, item_id: i64) -> Result<(Item, Vec<RevisionRow>)> {
    let (item, _) = readable(conn, viewer, item_id)?;
    let rows: Vec<(Revision, AuthorRef)> = revisions::table
        .inner_join(users::table)
        .filter(revisions::item_id.eq(item_id))
        .order(revisions::number.desc())
        .select((Revision::as_select(), (users::id, users::username, users::display_name)))
        .load(conn)?;
    Ok((item, rows.into_iter().map(|(revision, author)| RevisionRow { revision, author }).collect()))
}

/// The item as a Markdown document, for export.
pub fn to_markdown(page: &ItemPage, labels: &dyn Fn(&str) -> String) -> String {
    let r = &page.revision;
    let mut out = format!("# {}\n\n> {}\n\n", r.title, r.summary);
    for (key, body) in [("context", &r.context_md), ("solution", &r.solution_md), ("lessons", &r.lessons_md)] {
        if !body.trim().is_empty() {
            out.push_str(&format!("## {}\n\n{}\n\n", labels(&format!("knowledge-section-{key}")), body.trim()));
        }
    }
    if !page.citations.is_empty() {
        out.push_str(&format!("## {}\n\n", labels("knowledge-sources")));
        for c in &page.citations {
            out.push_str(&format!("- {} (@{})\n", c.author.display_name, c.author.username));
        }
        out.push('\n');
    }
    let names: Vec<String> = page.contributors.iter().map(|c| c.user.display_name.clone()).collect();
    out.push_str(&format!("{}: {}\n", labels("knowledge-contributors"), names.join(", ")));
    if !r.tags.is_empty() {
        out.push_str(&format!("{}: {}\n", labels("knowledge-tags"), r.tags));
    }
    out
}

pub fn author_of(conn: &mut AnyConnection, user_id: i64) -> Result<AuthorRef> {
    author(conn, user_id)
}
