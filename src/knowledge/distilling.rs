//! Distilling: the editor's starting point drawn from a resolved thread,
//! and the draft item it becomes, with citations kept as they were.

use super::*;

/// What the distill editor starts from.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DistillDraft {
    pub thread: Thread,
    pub community_id: i64,
    pub sections: Sections,
    /// Replies that may be cited (the accepted answer first, ticked).
    pub candidates: Vec<Candidate>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
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
        review_on: Some(super::schedule::next_review_on(conn, community_id)?),
    };
    Ok(DistillDraft { thread, community_id, sections, candidates })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
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
                items::owner_id.eq(Some(distiller)),
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
