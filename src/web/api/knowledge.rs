//! Resolution and the knowledge base as JSON under `/api/v1`.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::authz::Viewer;
use crate::db::AnyConnection;
use crate::knowledge::diff::SectionDiff;
use crate::knowledge::views::{self, ItemPage, ItemRow, ListFilter, RevisionRow, SuggestionView};
use crate::knowledge::{self, DistillDraft, DistillInput, FeedbackKind, Item, Revision, Sections, Suggestion};
use crate::threads::Thread;
use crate::throttle::Write;
use crate::web::errors::{Problem, WebResult};
use crate::web::session::{ApiUser, MaybeApiUser};
use crate::web::AppState;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.post("/threads/{id}/resolve", resolve)
        .delete("/threads/{id}/resolve", unresolve)
        .post("/threads/{id}/ready", mark_ready)
        .get("/threads/{id}/distill", distill_draft)
        .post("/threads/{id}/distill", distill)
        .get("/knowledge", list)
        .post("/knowledge/suggestions/{sid}/accept", accept_suggestion)
        .post("/knowledge/suggestions/{sid}/decline", decline_suggestion)
        .get("/knowledge/{id}", get_item)
        .get("/knowledge/{id}/revisions", revisions)
        .post("/knowledge/{id}/revisions", revise)
        .get("/knowledge/{id}/diff", diff)
        .post("/knowledge/{id}/restore", restore)
        .post("/knowledge/{id}/publish", publish)
        .post("/knowledge/{id}/archive", archive)
        .get("/knowledge/{id}/suggestions", suggestions)
        .post("/knowledge/{id}/suggestions", suggest)
        .post("/knowledge/{id}/feedback", feedback)
        .post("/knowledge/{id}/applied", applied)
        .put("/knowledge/{id}/owner", set_owner)
        .post("/knowledge/{id}/reconfirm", reconfirm)
        .get("/communities/{slug}/review-queue", review_queue)
        .get("/communities/{slug}/distill-queue", distill_queue);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    resolve,
    unresolve,
    mark_ready,
    distill_draft,
    distill,
    list,
    accept_suggestion,
    decline_suggestion,
    get_item,
    revisions,
    revise,
    diff,
    restore,
    publish,
    archive,
    suggestions,
    suggest,
    feedback,
    applied,
    set_owner,
    reconfirm,
    review_queue,
    distill_queue,
))]
pub struct Doc;

#[derive(Serialize, ToSchema)]
struct Items {
    items: Vec<ItemRow>,
}

#[derive(Serialize, ToSchema)]
struct Revisions {
    /// Newest first.
    revisions: Vec<RevisionRow>,
}

/// Two revisions compared section by section.
#[derive(Serialize, ToSchema)]
struct Comparison {
    from: i32,
    to: i32,
    sections: Vec<SectionDiff>,
}

#[derive(Serialize, ToSchema)]
struct Suggestions {
    /// Waiting for a curator, oldest first.
    suggestions: Vec<SuggestionView>,
}

#[derive(Deserialize, ToSchema)]
struct ResolveBody {
    /// The reply that answered the question.
    post_id: i64,
}

/// Marks the reply that answered a question (the asker or facilitators).
#[utoipa::path(
    post, path = "/threads/{id}/resolve", tag = "knowledge",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The thread's id")),
    request_body = ResolveBody,
    responses((status = 200, description = "The thread, resolved", body = Thread)),
)]
async fn resolve(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<ResolveBody>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let thread_id = path.into_inner();
    let post_id = body.post_id;
    let thread = state.db.run(move |conn| knowledge::resolve(conn, viewer, thread_id, Some(post_id))).await?;
    Ok(HttpResponse::Ok().json(thread))
}

/// Takes back the accepted answer (the asker or facilitators).
#[utoipa::path(
    delete, path = "/threads/{id}/resolve", tag = "knowledge",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The thread's id")),
    responses((status = 200, description = "The thread, open again", body = Thread)),
)]
async fn unresolve(state: web::Data<AppState>, caller: ApiUser, path: web::Path<i64>) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let thread_id = path.into_inner();
    let thread = state.db.run(move |conn| knowledge::resolve(conn, viewer, thread_id, None)).await?;
    Ok(HttpResponse::Ok().json(thread))
}

#[derive(Deserialize, ToSchema)]
struct ReadyBody {
    ready: bool,
}

/// Marks an experience ready to distill, or not (facilitators).
#[utoipa::path(
    post, path = "/threads/{id}/ready", tag = "knowledge",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The thread's id")),
    request_body = ReadyBody,
    responses((status = 200, description = "The thread", body = Thread)),
)]
async fn mark_ready(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<ReadyBody>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let thread_id = path.into_inner();
    let ready = body.ready;
    let thread = state.db.run(move |conn| knowledge::mark_ready(conn, viewer, thread_id, ready)).await?;
    Ok(HttpResponse::Ok().json(thread))
}

/// A starting draft for distilling a resolved thread, with the posts it may cite.
#[utoipa::path(
    get, path = "/threads/{id}/distill", tag = "knowledge",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The thread's id")),
    responses((status = 200, description = "The draft", body = DistillDraft)),
)]
async fn distill_draft(state: web::Data<AppState>, caller: ApiUser, path: web::Path<i64>) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let thread_id = path.into_inner();
    let draft = state.db.run(move |conn| knowledge::distill_draft(conn, viewer, thread_id)).await?;
    Ok(HttpResponse::Ok().json(draft))
}

/// Turns a resolved thread into a draft knowledge item (facilitators).
///
/// The item cites the chosen posts and credits their authors.
#[utoipa::path(
    post, path = "/threads/{id}/distill", tag = "knowledge",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The thread's id")),
    request_body = DistillInput,
    responses((status = 201, description = "The new item", body = Item)),
)]
async fn distill(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<DistillInput>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let thread_id = path.into_inner();
    let input = body.into_inner();
    let item = state.db.run(move |conn| knowledge::distill(conn, viewer, thread_id, &input)).await?;
    Ok(HttpResponse::Created().json(item))
}

/// Knowledge items the caller may see, newest or most helpful first.
///
/// Without a status filter: published items and those awaiting review.
#[utoipa::path(get, path = "/knowledge", tag = "knowledge", params(ListFilter),
    responses((status = 200, description = "The items", body = Items)))]
async fn list(state: web::Data<AppState>, caller: MaybeApiUser, q: web::Query<ListFilter>) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let filter = q.into_inner();
    let items = state.db.run(move |conn| views::list(conn, viewer, &filter)).await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}

/// A knowledge item with its sections, provenance, contributors and feedback.
#[utoipa::path(
    get, path = "/knowledge/{id}", tag = "knowledge",
    params(("id" = i64, Path, description = "The knowledge item's id")),
    responses((status = 200, description = "The item", body = ItemPage)),
)]
async fn get_item(state: web::Data<AppState>, caller: MaybeApiUser, path: web::Path<i64>) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let item_id = path.into_inner();
    let page = state.db.run(move |conn| knowledge::open_item(conn, viewer, item_id)).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// An item's revisions.
#[utoipa::path(
    get, path = "/knowledge/{id}/revisions", tag = "knowledge",
    params(("id" = i64, Path, description = "The knowledge item's id")),
    responses((status = 200, description = "The revisions", body = Revisions)),
)]
async fn revisions(state: web::Data<AppState>, caller: MaybeApiUser, path: web::Path<i64>) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let item_id = path.into_inner();
    let (_, list) = state.db.run(move |conn| views::revisions_of(conn, viewer, item_id)).await?;
    Ok(HttpResponse::Ok().json(Revisions { revisions: list }))
}

/// A knowledge item's sections, as Markdown, and why they changed.
#[derive(Deserialize, ToSchema)]
struct RevisionBody {
    #[serde(flatten)]
    sections: Sections,
    #[serde(default)]
    note: String,
}

/// Writes a new revision of an item (facilitators and its contributors).
#[utoipa::path(
    post, path = "/knowledge/{id}/revisions", tag = "knowledge",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The knowledge item's id")),
    request_body = RevisionBody,
    responses((status = 201, description = "The new revision", body = Revision)),
)]
async fn revise(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<RevisionBody>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let item_id = path.into_inner();
    let RevisionBody { sections, note } = body.into_inner();
    let revision = state
        .limited_write(viewer, Write::Edit, move |conn| knowledge::revise(conn, viewer, item_id, &sections, &note))
        .await?;
    Ok(HttpResponse::Created().json(revision))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct DiffQuery {
    /// The older revision's number.
    from: i32,
    /// The newer revision's number.
    to: i32,
}

/// Two revisions of an item compared section by section.
#[utoipa::path(
    get, path = "/knowledge/{id}/diff", tag = "knowledge",
    params(("id" = i64, Path, description = "The knowledge item's id"), DiffQuery),
    responses((status = 200, description = "The comparison", body = Comparison)),
)]
async fn diff(
    state: web::Data<AppState>,
    caller: MaybeApiUser,
    path: web::Path<i64>,
    q: web::Query<DiffQuery>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let item_id = path.into_inner();
    let (from, to) = (q.from, q.to);
    let (_, sections) = state.db.run(move |conn| knowledge::compare(conn, viewer, item_id, from, to)).await?;
    Ok(HttpResponse::Ok().json(Comparison { from, to, sections }))
}

#[derive(Deserialize, ToSchema)]
struct RestoreBody {
    /// The revision to bring back, as a new revision.
    number: i32,
    /// Defaults to "Restored revision N".
    #[serde(default)]
    note: Option<String>,
}

/// Brings back an old revision as a new one.
#[utoipa::path(
    post, path = "/knowledge/{id}/restore", tag = "knowledge",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The knowledge item's id")),
    request_body = RestoreBody,
    responses((status = 201, description = "The new revision", body = Revision)),
)]
async fn restore(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<RestoreBody>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let item_id = path.into_inner();
    let RestoreBody { number, note } = body.into_inner();
    let note = note.unwrap_or_else(|| format!("Restored revision {number}"));
    let revision = state.db.run(move |conn| knowledge::restore(conn, viewer, item_id, number, &note)).await?;
    Ok(HttpResponse::Created().json(revision))
}

/// Publishes an item: readers see it in the knowledge base (facilitators).
#[utoipa::path(
    post, path = "/knowledge/{id}/publish", tag = "knowledge",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The knowledge item's id")),
    responses((status = 200, description = "The item, published", body = Item)),
)]
async fn publish(state: web::Data<AppState>, caller: ApiUser, path: web::Path<i64>) -> WebResult<HttpResponse> {
    change_status(state, caller, path, knowledge::publish).await
}

/// Archives an item: kept, no longer listed (facilitators).
#[utoipa::path(
    post, path = "/knowledge/{id}/archive", tag = "knowledge",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The knowledge item's id")),
    responses((status = 200, description = "The item, archived", body = Item)),
)]
async fn archive(state: web::Data<AppState>, caller: ApiUser, path: web::Path<i64>) -> WebResult<HttpResponse> {
    change_status(state, caller, path, knowledge::archive).await
}

async fn change_status(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    change: fn(&mut AnyConnection, Viewer, i64) -> crate::error::Result<Item>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let item_id = path.into_inner();
    let item = state.db.run(move |conn| change(conn, viewer, item_id)).await?;
    Ok(HttpResponse::Ok().json(item))
}

/// Suggested edits waiting for a curator (facilitators).
#[utoipa::path(
    get, path = "/knowledge/{id}/suggestions", tag = "knowledge",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The knowledge item's id")),
    responses((status = 200, description = "The pending suggestions", body = Suggestions)),
)]
async fn suggestions(state: web::Data<AppState>, caller: ApiUser, path: web::Path<i64>) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let item_id = path.into_inner();
    let page = state.db.run(move |conn| views::item_page(conn, viewer, item_id)).await?;
    if !page.can_curate {
        return Err(crate::error::Error::Forbidden.into());
    }
    Ok(HttpResponse::Ok().json(Suggestions { suggestions: page.pending_suggestions }))
}

/// Suggests an edit to an item; a curator accepts or declines it (members).
#[utoipa::path(
    post, path = "/knowledge/{id}/suggestions", tag = "knowledge",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The knowledge item's id")),
    request_body = RevisionBody,
    responses((status = 201, description = "The suggestion", body = Suggestion)),
)]
async fn suggest(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<RevisionBody>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let item_id = path.into_inner();
    let RevisionBody { sections, note } = body.into_inner();
    let suggestion = state
        .limited_write(viewer, Write::Edit, move |conn| knowledge::suggest(conn, viewer, item_id, &sections, &note))
        .await?;
    Ok(HttpResponse::Created().json(suggestion))
}

/// Accepts a suggested edit as a new revision, crediting its author (facilitators).
#[utoipa::path(
    post, path = "/knowledge/suggestions/{sid}/accept", tag = "knowledge",
    security(("bearer" = [])),
    params(("sid" = i64, Path, description = "The suggestion's id")),
    responses((status = 200, description = "The new revision", body = Revision)),
)]
async fn accept_suggestion(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let sid = path.into_inner();
    let revision = state.db.run(move |conn| knowledge::accept_suggestion(conn, viewer, sid)).await?;
    Ok(HttpResponse::Ok().json(revision))
}

#[derive(Deserialize, ToSchema)]
struct DeclineBody {
    /// Shown to the person who suggested it.
    reason: String,
}

/// Declines a suggested edit, with a reason for its author (facilitators).
#[utoipa::path(
    post, path = "/knowledge/suggestions/{sid}/decline", tag = "knowledge",
    security(("bearer" = [])),
    params(("sid" = i64, Path, description = "The suggestion's id")),
    request_body = DeclineBody,
    responses((status = 204, description = "Declined")),
)]
async fn decline_suggestion(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<DeclineBody>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let sid = path.into_inner();
    let reason = body.into_inner().reason;
    state.db.run(move |conn| knowledge::decline_suggestion(conn, viewer, sid, &reason)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
struct FeedbackBody {
    kind: FeedbackKind,
    #[serde(default)]
    comment: String,
}

/// Says whether an item helped, or is outdated (which sends it for review).
#[utoipa::path(
    post, path = "/knowledge/{id}/feedback", tag = "knowledge",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The knowledge item's id")),
    request_body = FeedbackBody,
    responses((status = 204, description = "Recorded")),
)]
async fn feedback(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<FeedbackBody>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let item_id = path.into_inner();
    let FeedbackBody { kind, comment } = body.into_inner();
    state.db.run(move |conn| knowledge::give_feedback(conn, viewer, item_id, kind, &comment)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
struct AppliedBody {
    /// Minutes the item saved, if the reader can tell.
    #[serde(default)]
    minutes_saved: Option<i32>,
    /// How it was used, in a few lines.
    #[serde(default)]
    story: String,
}

/// "I applied this": the caller used the item in their work. One report
/// per person and item; another replaces it.
#[utoipa::path(
    post, path = "/knowledge/{id}/applied", tag = "knowledge",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The knowledge item's id")),
    request_body = AppliedBody,
    responses((status = 204, description = "Recorded"),
        (status = 422, description = "Minutes out of range or story too long", content_type = "application/problem+json", body = Problem)),
)]
async fn applied(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<AppliedBody>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let item_id = path.into_inner();
    let AppliedBody { minutes_saved, story } = body.into_inner();
    state.db.run(move |conn| knowledge::report_applied(conn, viewer, item_id, minutes_saved, &story)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
struct OwnerBody {
    /// The new owner: a member of the item's community.
    username: String,
}

/// Hands an item to another owner, who is reminded when its review is due
/// (facilitators).
#[utoipa::path(
    put, path = "/knowledge/{id}/owner", tag = "knowledge",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The knowledge item's id")),
    request_body = OwnerBody,
    responses((status = 200, description = "The item", body = Item),
        (status = 422, description = "Not a member of the item's community", content_type = "application/problem+json", body = Problem)),
)]
async fn set_owner(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<OwnerBody>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let item_id = path.into_inner();
    let username = body.into_inner().username;
    let item = state.db.run(move |conn| knowledge::schedule::set_owner(conn, viewer, item_id, &username)).await?;
    Ok(HttpResponse::Ok().json(item))
}

#[derive(Deserialize, ToSchema)]
struct ReconfirmBody {
    /// When the item should next be checked.
    review_on: chrono::NaiveDate,
}

/// Confirms an item is still right and sets its next review date (facilitators).
#[utoipa::path(
    post, path = "/knowledge/{id}/reconfirm", tag = "knowledge",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The knowledge item's id")),
    request_body = ReconfirmBody,
    responses((status = 200, description = "The item", body = Item)),
)]
async fn reconfirm(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<ReconfirmBody>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let item_id = path.into_inner();
    let review_on = body.review_on;
    let item = state.db.run(move |conn| knowledge::reconfirm(conn, viewer, item_id, review_on)).await?;
    Ok(HttpResponse::Ok().json(item))
}

/// A community's items that need review (facilitators).
#[utoipa::path(get, path = "/communities/{slug}/review-queue", tag = "knowledge", security(("bearer" = [])),
    params(("slug" = String, Path, description = "The community's slug")),
    responses((status = 200, description = "The items to review", body = Items)))]
async fn review_queue(state: web::Data<AppState>, caller: ApiUser, path: web::Path<String>) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let slug = path.into_inner();
    let (_, items) = state.db.run(move |conn| views::review_queue_for(conn, viewer, &slug)).await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}

#[derive(Serialize, ToSchema)]
struct DistillQueue {
    threads: Vec<views::DistillCandidate>,
}

/// A community's resolved threads not yet distilled (facilitators).
#[utoipa::path(get, path = "/communities/{slug}/distill-queue", tag = "knowledge", security(("bearer" = [])),
    params(("slug" = String, Path, description = "The community's slug")),
    responses((status = 200, description = "Threads waiting to be distilled, longest waiting first", body = DistillQueue)))]
async fn distill_queue(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<String>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let slug = path.into_inner();
    let (_, threads) = state.db.run(move |conn| views::distill_queue_for(conn, viewer, &slug)).await?;
    Ok(HttpResponse::Ok().json(DistillQueue { threads }))
}
