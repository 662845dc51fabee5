//! Resolving threads, the distill editor, and the knowledge base pages.

use crate::web::flash::{see_other_with, Flash};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::{form_failure, see_other, CsrfOnly, ToggleForm};
use crate::authz::{can, Action, Viewer};
use crate::communities::{self, Community};
use crate::error::Error;
use crate::files::upload::Incoming;
use crate::knowledge::views::{self, ListFilter};
use crate::knowledge::{self, DistillInput, FeedbackKind, Sections};
use crate::throttle::Write;
use crate::web::errors::{AppError, WebResult};
use crate::web::session::{CsrfForm, Session};
use crate::web::uploads::{prepare_body, CsrfUpload, Place};
use crate::web::AppState;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.post("/t/{id}/resolve", resolve)
        .post("/t/{id}/ready", mark_ready)
        .get("/t/{id}/distill", distill_page)
        .post("/t/{id}/distill", distill)
        .get("/knowledge", site_index)
        .get("/knowledge/tags/{tag}", tag_page)
        .get("/c/{slug}/knowledge", community_index)
        .get("/c/{slug}/review", review_queue)
        .get("/c/{slug}/distill", distill_queue)
        .get("/k/{id}", item_page)
        .get("/k/{id}/export.md", export_markdown)
        .get("/k/{id}/edit", edit_page)
        .post("/k/{id}/edit", edit)
        .get("/k/{id}/revisions", revisions_page)
        .get("/k/{id}/diff", diff_page)
        .post("/k/{id}/restore", restore)
        .post("/k/{id}/{action:publish|archive}", change_status)
        .get("/k/{id}/suggest", suggest_page)
        .post("/k/{id}/suggest", suggest)
        .post("/k/{id}/feedback", give_feedback)
        .post("/k/{id}/applied", report_applied)
        .post("/k/{id}/owner", set_owner)
        .post("/k/{id}/reconfirm", reconfirm)
        .post("/k/suggestions/{sid}/accept", accept_suggestion)
        .post("/k/suggestions/{sid}/decline", decline_suggestion);
}

#[derive(Deserialize)]
struct ResolveForm {
    /// The reply to accept; blank clears the accepted answer.
    #[serde(default, deserialize_with = "crate::web::blank_as_none")]
    post_id: Option<i64>,
}

async fn resolve(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ResolveForm>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let thread_id = path.into_inner();
    let accepted = form.post_id;
    state.db.run(move |conn| knowledge::resolve(conn, viewer, thread_id, accepted)).await?;
    Ok(match accepted {
        // Back to the answer, marked as the accepted one.
        Some(post_id) => see_other_with(&format!("/p/{post_id}"), Flash::Accepted),
        None => see_other(&format!("/t/{thread_id}")),
    })
}

async fn mark_ready(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ToggleForm>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let thread_id = path.into_inner();
    state.db.run(move |conn| knowledge::mark_ready(conn, viewer, thread_id, form.on())).await?;
    Ok(see_other(&format!("/t/{thread_id}")))
}

async fn render_distill(
    state: &AppState,
    session: &Session,
    thread_id: i64,
    form: Option<(Sections, Vec<i64>)>,
    errors: Option<std::collections::HashMap<String, String>>,
    status: StatusCode,
    preview: bool,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let (draft, existing) = state
        .db
        .run(move |conn| {
            let draft = knowledge::distill_draft(conn, viewer, thread_id)?;
            Ok((draft, views::for_thread(conn, thread_id, true)?))
        })
        .await?;
    let (sections, cited) = match form {
        Some(f) => f,
        None => (draft.sections.clone(), draft.candidates.iter().filter(|c| c.accepted).map(|c| c.post_id).collect()),
    };
    let mut ctx = tera::Context::new();
    if preview {
        let mut html = std::collections::HashMap::new();
        for (name, text) in
            [("context", &sections.context), ("solution", &sections.solution), ("lessons", &sections.lessons)]
        {
            html.insert(name, state.preview(name, text.clone()).await?);
        }
        ctx.insert("preview", &html);
    }
    ctx.insert("existing", &existing);
    ctx.insert("limits", &field_limits());
    ctx.insert("thread", &draft.thread);
    ctx.insert("candidates", &draft.candidates);
    ctx.insert("form", &sections);
    ctx.insert("cited", &cited);
    ctx.insert("action", &format!("/t/{thread_id}/distill"));
    ctx.insert("errors", &errors.unwrap_or_default());
    state.render_with_status(session, "distill.html", &mut ctx, status)
}

/// The editor's length limits, shown as counters beside the fields.
fn field_limits() -> serde_json::Value {
    json!({
        "title": crate::threads::MAX_TITLE_CHARS,
        "summary": knowledge::MAX_SUMMARY_CHARS,
        "section": knowledge::MAX_SECTION_CHARS,
    })
}

async fn distill_page(state: web::Data<AppState>, session: Session, path: web::Path<i64>) -> WebResult<HttpResponse> {
    render_distill(&state, &session, path.into_inner(), None, None, StatusCode::OK, false).await
}

/// Reads the knowledge editor's fields from form pairs (the distill form
/// repeats `cite`, which a struct cannot take).
fn sections_from_pairs(pairs: &[(String, String)]) -> Result<(Sections, Vec<i64>, String), AppError> {
    let get = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let review_on = match get("review_on").trim() {
        "" => None,
        s => Some(
            crate::i18n::parse_date_input(s)
                .ok_or_else(|| AppError(Error::invalid("review_on", "error-date-format")))?,
        ),
    };
    let cite = pairs
        .iter()
        .filter(|(k, _)| k == "cite")
        .map(|(_, v)| v.parse::<i64>().map_err(|_| AppError(Error::BadRequest("cite must be a post id".into()))))
        .collect::<Result<Vec<_>, _>>()?;
    let sections = Sections {
        title: get("title"),
        summary: get("summary"),
        context: get("context"),
        solution: get("solution"),
        lessons: get("lessons"),
        tags: get("tags"),
        review_on,
    };
    Ok((sections, cite, get("note")))
}

async fn distill(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    CsrfUpload(mut pairs, files): CsrfUpload<Vec<(String, String)>>,
) -> WebResult<HttpResponse> {
    let thread_id = path.into_inner();
    let viewer = session.viewer();
    if let Err(e) = attach_to_solution(&state, viewer, Place::Thread(thread_id), files, &mut pairs).await {
        let (status, errors) = form_failure(session.lang, e)?;
        return render_distill(&state, &session, thread_id, None, Some(errors), status, false).await;
    }
    let (sections, cite, _) = match sections_from_pairs(&pairs) {
        Ok(parsed) => parsed,
        Err(AppError(e @ Error::Invalid(_))) => {
            let (status, errors) = form_failure(session.lang, e)?;
            return render_distill(&state, &session, thread_id, None, Some(errors), status, false).await;
        }
        Err(e) => return Err(e),
    };
    if pairs.iter().any(|(k, v)| k == "action" && v == "preview") {
        return render_distill(&state, &session, thread_id, Some((sections, cite)), None, StatusCode::OK, true).await;
    }
    let input = DistillInput { sections: sections.clone(), cite: cite.clone() };
    match state.db.run(move |conn| knowledge::distill(conn, viewer, thread_id, &input)).await {
        Ok(item) => Ok(see_other_with(&format!("/k/{}", item.id), Flash::Distilled)),
        Err(e) => {
            let (status, errors) = form_failure(session.lang, e)?;
            render_distill(&state, &session, thread_id, Some((sections, cite)), Some(errors), status, false).await
        }
    }
}

/// `?asked=`: the title the reader was about to ask (see `pages::similar`).
#[derive(Deserialize)]
struct ItemQuery {
    asked: Option<String>,
}

async fn item_page(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    q: web::Query<ItemQuery>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let item_id = path.into_inner();
    let page = state.db.run(move |conn| knowledge::open_item(conn, viewer, item_id)).await?;
    let mut ctx = tera::Context::new();
    ctx.insert("can_feedback", &(session.user.is_some() && can(viewer, page.standing, Action::GiveFeedback)));
    ctx.insert("page", &page);
    ctx.insert("asked", &q.into_inner().asked);
    ctx.insert("suggested", &page.pending_suggestions.iter().map(|s| {
        json!({"id": s.suggestion.id, "author": s.author, "note": s.suggestion.note, "summary": s.suggestion.summary, "title": s.suggestion.title})
    }).collect::<Vec<_>>());
    state.render(&session, "knowledge_item.html", &mut ctx)
}

async fn export_markdown(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let item_id = path.into_inner();
    let page = state.db.run(move |conn| views::item_page(conn, viewer, item_id)).await?;
    let lang = session.lang;
    let text = views::to_markdown(&page, &|key| lang.t(key));
    Ok(HttpResponse::Ok()
        .content_type("text/markdown; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"knowledge-{item_id}.md\"")))
        .body(text))
}

async fn render_editor(
    state: &AppState,
    session: &Session,
    item_id: i64,
    mode: &str,
    form: Option<Sections>,
    errors: Option<std::collections::HashMap<String, String>>,
    status: StatusCode,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let page = state.db.run(move |conn| views::item_page(conn, viewer, item_id)).await?;
    let allowed = match mode {
        "edit" => page.can_curate,
        _ => page.can_suggest,
    };
    if !allowed {
        return Err(AppError(if session.user.is_some() { Error::Forbidden } else { Error::Unauthenticated }));
    }
    let r = &page.revision;
    let sections = form.unwrap_or_else(|| Sections {
        title: r.title.clone(),
        summary: r.summary.clone(),
        context: r.context_md.clone(),
        solution: r.solution_md.clone(),
        lessons: r.lessons_md.clone(),
        tags: r.tags.clone(),
        review_on: r.review_on,
    });
    let mut ctx = tera::Context::new();
    ctx.insert("item", &page.item);
    ctx.insert("form", &sections);
    ctx.insert("mode", mode);
    ctx.insert("limits", &field_limits());
    ctx.insert("action", &format!("/k/{item_id}/{}", if mode == "edit" { "edit" } else { "suggest" }));
    ctx.insert("errors", &errors.unwrap_or_default());
    state.render_with_status(session, "knowledge_edit.html", &mut ctx, status)
}

async fn edit_page(state: web::Data<AppState>, session: Session, path: web::Path<i64>) -> WebResult<HttpResponse> {
    render_editor(&state, &session, path.into_inner(), "edit", None, None, StatusCode::OK).await
}

async fn suggest_page(state: web::Data<AppState>, session: Session, path: web::Path<i64>) -> WebResult<HttpResponse> {
    render_editor(&state, &session, path.into_inner(), "suggest", None, None, StatusCode::OK).await
}

/// Files from a knowledge editor's file input go at the end of the
/// Solution section, where a reader looks for the template or form.
async fn attach_to_solution(
    state: &AppState,
    viewer: crate::authz::Viewer,
    place: Place,
    files: Vec<Incoming>,
    pairs: &mut Vec<(String, String)>,
) -> crate::error::Result<()> {
    let at = match pairs.iter().position(|(name, _)| name == "solution") {
        Some(at) => at,
        None => {
            pairs.push(("solution".to_owned(), String::new()));
            pairs.len() - 1
        }
    };
    prepare_body(state, viewer, place, files, &mut pairs[at].1).await
}

async fn save_edit(
    state: web::Data<AppState>,
    session: Session,
    item_id: i64,
    mut pairs: Vec<(String, String)>,
    files: Vec<Incoming>,
    mode: &'static str,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    if let Err(e) = attach_to_solution(&state, viewer, Place::Knowledge(item_id), files, &mut pairs).await {
        let (status, errors) = form_failure(session.lang, e)?;
        let typed = sections_from_pairs(&pairs).ok().map(|(sections, ..)| sections);
        return render_editor(&state, &session, item_id, mode, typed, Some(errors), status).await;
    }
    let (sections, _, note) = sections_from_pairs(&pairs)?;
    let input = sections.clone();
    let result = state
        .limited_write(viewer, Write::Edit, move |conn| match mode {
            "edit" => knowledge::revise(conn, viewer, item_id, &input, &note).map(|_| ()),
            _ => knowledge::suggest(conn, viewer, item_id, &input, &note).map(|_| ()),
        })
        .await;
    match result {
        Ok(()) => Ok(see_other(&format!("/k/{item_id}{}", if mode == "edit" { "" } else { "?suggested=1" }))),
        Err(e) => {
            let (status, errors) = form_failure(session.lang, e)?;
            render_editor(&state, &session, item_id, mode, Some(sections), Some(errors), status).await
        }
    }
}

async fn edit(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    CsrfUpload(pairs, files): CsrfUpload<Vec<(String, String)>>,
) -> WebResult<HttpResponse> {
    save_edit(state, session, path.into_inner(), pairs, files, "edit").await
}

async fn suggest(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    CsrfUpload(pairs, files): CsrfUpload<Vec<(String, String)>>,
) -> WebResult<HttpResponse> {
    save_edit(state, session, path.into_inner(), pairs, files, "suggest").await
}

async fn revisions_page(state: web::Data<AppState>, session: Session, path: web::Path<i64>) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let item_id = path.into_inner();
    let (item, list, page) = state
        .db
        .run(move |conn| {
            let (item, list) = views::revisions_of(conn, viewer, item_id)?;
            let page = views::item_page(conn, viewer, item_id)?;
            Ok((item, list, page))
        })
        .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("item", &item);
    ctx.insert("revisions", &list);
    ctx.insert("can_curate", &page.can_curate);
    state.render(&session, "knowledge_revisions.html", &mut ctx)
}

#[derive(Deserialize)]
struct DiffQuery {
    from: i32,
    to: i32,
}

async fn diff_page(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    q: web::Query<DiffQuery>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let item_id = path.into_inner();
    let (from, to) = (q.from, q.to);
    let (item, sections) = state.db.run(move |conn| knowledge::compare(conn, viewer, item_id, from, to)).await?;
    let mut ctx = tera::Context::new();
    ctx.insert("item", &item);
    ctx.insert("sections", &sections);
    ctx.insert("from", &from);
    ctx.insert("to", &to);
    state.render(&session, "knowledge_diff.html", &mut ctx)
}

#[derive(Deserialize)]
struct RestoreForm {
    number: i32,
}

async fn restore(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<RestoreForm>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let item_id = path.into_inner();
    let note = session.lang.t_args("knowledge-restored-note", &[("number", form.number.into())]);
    state.db.run(move |conn| knowledge::restore(conn, viewer, item_id, form.number, &note)).await?;
    Ok(see_other(&format!("/k/{item_id}/revisions")))
}

/// Publish or archive: `/k/{id}/publish`, `/k/{id}/archive`.
async fn change_status(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<(i64, String)>,
    _: CsrfForm<CsrfOnly>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let (item_id, action) = path.into_inner();
    let flash = if action == "publish" { Flash::Published } else { Flash::Archived };
    state.db.run(move |conn| knowledge::change_status(conn, viewer, item_id, &action)).await?;
    Ok(see_other_with(&format!("/k/{item_id}"), flash))
}

#[derive(Deserialize)]
struct FeedbackForm {
    kind: FeedbackKind,
    #[serde(default)]
    comment: String,
}

async fn give_feedback(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<FeedbackForm>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let item_id = path.into_inner();
    state.db.run(move |conn| knowledge::give_feedback(conn, viewer, item_id, form.kind, &form.comment)).await?;
    Ok(see_other(&format!("/k/{item_id}?thanks=1")))
}

#[derive(Deserialize)]
struct AppliedForm {
    #[serde(default)]
    minutes_saved: String,
    #[serde(default)]
    story: String,
}

/// "I applied this", from the item page.
async fn report_applied(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<AppliedForm>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let item_id = path.into_inner();
    let minutes = match form.minutes_saved.trim() {
        "" => None,
        typed => Some(typed.parse::<i32>().map_err(|_| {
            AppError(Error::Invalid(vec![crate::error::FieldError::with_limit(
                "minutes_saved",
                "error-out-of-range",
                knowledge::MAX_MINUTES_SAVED as i64,
            )]))
        })?),
    };
    state.db.run(move |conn| knowledge::report_applied(conn, viewer, item_id, minutes, &form.story)).await?;
    Ok(see_other(&format!("/k/{item_id}?applied=1")))
}

#[derive(Deserialize)]
struct OwnerForm {
    #[serde(default)]
    username: String,
}

/// A facilitator hands the item to another owner.
async fn set_owner(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<OwnerForm>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let item_id = path.into_inner();
    state.db.run(move |conn| knowledge::schedule::set_owner(conn, viewer, item_id, &form.username)).await?;
    Ok(see_other(&format!("/k/{item_id}")))
}

#[derive(Deserialize)]
struct ReconfirmForm {
    #[serde(default)]
    review_on: String,
}

async fn reconfirm(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ReconfirmForm>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let item_id = path.into_inner();
    let review_on = match form.review_on.trim() {
        "" => return Err(AppError(Error::invalid("review_on", "error-required"))),
        typed => crate::i18n::parse_date_input(typed)
            .ok_or_else(|| AppError(Error::invalid("review_on", "error-date-format")))?,
    };
    let item = state.db.run(move |conn| knowledge::reconfirm(conn, viewer, item_id, review_on)).await?;
    let community = {
        let cid = item.community_id;
        state.db.run(move |conn| communities::by_id(conn, cid)).await?
    };
    Ok(see_other(&format!("/c/{}/review", community.slug)))
}

async fn accept_suggestion(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    _: CsrfForm<CsrfOnly>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let sid = path.into_inner();
    let revision = state.db.run(move |conn| knowledge::accept_suggestion(conn, viewer, sid)).await?;
    Ok(see_other(&format!("/k/{}", revision.item_id)))
}

#[derive(Deserialize)]
struct DeclineForm {
    #[serde(default)]
    reason: String,
    item_id: i64,
}

async fn decline_suggestion(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<DeclineForm>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let sid = path.into_inner();
    let reason = form.reason.clone();
    state.db.run(move |conn| knowledge::decline_suggestion(conn, viewer, sid, &reason)).await?;
    Ok(see_other(&format!("/k/{}", form.item_id)))
}

async fn render_index(
    state: &AppState,
    session: &Session,
    filter: ListFilter,
    heading: String,
    community: Option<communities::Community>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let f = filter.clone();
    let (rows, drafts, can_curate) = {
        let cid = community.as_ref().map(|c| c.id);
        state
            .db
            .run(move |conn| {
                let rows = views::list(conn, viewer, &f)?;
                let (drafts, can_curate) = match cid {
                    Some(cid) => {
                        let standing = communities::standing(conn, viewer, cid)?;
                        let curate = can(viewer, standing, Action::CurateKnowledge);
                        (if curate { views::drafts(conn, cid)? } else { Vec::new() }, curate)
                    }
                    None => (Vec::new(), false),
                };
                Ok((rows, drafts, can_curate))
            })
            .await?
    };
    let mut ctx = tera::Context::new();
    // A community's knowledge base, or a tag's knowledge, has a feed.
    let feed = match (&community, &filter.tag) {
        (Some(c), _) => Some((format!("/c/{}/knowledge/feed.atom", c.slug), !c.is_public)),
        (None, Some(tag)) => Some((format!("/knowledge/tags/{}/feed.atom", crate::web::errors::urlencode(tag)), false)),
        (None, None) => None,
    };
    if let Some((path, private)) = feed {
        ctx.insert("feed_url", &crate::web::feeds::feed_url(&path, private, session.user.as_ref()));
        ctx.insert("feed_title", &heading);
    }
    ctx.insert("items", &rows);
    ctx.insert("heading", &heading);
    ctx.insert("community", &community);
    ctx.insert("filter", &json!({"tag": filter.tag, "sort": filter.sort}));
    ctx.insert("drafts", &drafts);
    ctx.insert("can_curate", &can_curate);
    state.render(session, "knowledge_index.html", &mut ctx)
}

#[derive(Deserialize)]
struct IndexQuery {
    tag: Option<String>,
    sort: Option<String>,
}

async fn site_index(
    state: web::Data<AppState>,
    session: Session,
    q: web::Query<IndexQuery>,
) -> WebResult<HttpResponse> {
    let q = q.into_inner();
    let filter = ListFilter { community: None, tag: q.tag, status: None, sort: q.sort };
    let heading = session.lang.t("knowledge-site-title");
    render_index(&state, &session, filter, heading, None).await
}

async fn tag_page(state: web::Data<AppState>, session: Session, path: web::Path<String>) -> WebResult<HttpResponse> {
    let tag = path.into_inner();
    let heading = session.lang.t_args("knowledge-tag-title", &[("tag", tag.clone().into())]);
    let filter = ListFilter { community: None, tag: Some(tag), status: None, sort: None };
    render_index(&state, &session, filter, heading, None).await
}

async fn community_index(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    q: web::Query<IndexQuery>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let slug = path.into_inner();
    let s = slug.clone();
    let (community, _) = state.db.run(move |conn| communities::readable(conn, viewer, &s)).await?;
    let q = q.into_inner();
    let heading = session.lang.t_args("knowledge-community-title", &[("name", community.name.clone().into())]);
    let filter = ListFilter { community: Some(slug), tag: q.tag, status: None, sort: q.sort };
    render_index(&state, &session, filter, heading, Some(community)).await
}

async fn review_queue(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
) -> WebResult<HttpResponse> {
    let mut ctx = tera::Context::new();
    ctx.insert("default_review_on", &(chrono::Utc::now().date_naive() + chrono::Duration::days(180)).to_string());
    render_queue(&state, &session, path.into_inner(), views::review_queue_for, "knowledge_review.html", ctx).await
}

async fn distill_queue(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
) -> WebResult<HttpResponse> {
    let ctx = tera::Context::new();
    render_queue(&state, &session, path.into_inner(), views::distill_queue_for, "distill_queue.html", ctx).await
}

/// Loads one community's queue for a viewer, given the community's slug.
type QueueLoader<Row> = fn(&mut crate::db::AnyConnection, Viewer, &str) -> crate::error::Result<(Community, Vec<Row>)>;

/// A facilitator's list for one community: what `load` finds, as `rows`.
async fn render_queue<Row: serde::Serialize + Send + 'static>(
    state: &AppState,
    session: &Session,
    slug: String,
    load: QueueLoader<Row>,
    template: &str,
    mut ctx: tera::Context,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let (community, rows) = state.db.run(move |conn| load(conn, viewer, &slug)).await?;
    ctx.insert("community", &community);
    ctx.insert("rows", &rows);
    state.render(session, template, &mut ctx)
}
