//! Resolution and the knowledge base as JSON under `/api/v1`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use crate::knowledge::views::{self, ListFilter};
use crate::knowledge::{self, DistillInput, FeedbackKind, Sections};
use crate::throttle::Write;
use crate::web::errors::WebResult;
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
        .post("/knowledge/{id}/{action:publish|archive}", change_status)
        .get("/knowledge/{id}/suggestions", suggestions)
        .post("/knowledge/{id}/suggestions", suggest)
        .post("/knowledge/{id}/feedback", feedback)
        .post("/knowledge/{id}/reconfirm", reconfirm)
        .get("/communities/{slug}/review-queue", review_queue);
}

#[derive(Deserialize)]
struct ResolveBody {
    post_id: i64,
}

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

async fn unresolve(state: web::Data<AppState>, caller: ApiUser, path: web::Path<i64>) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let thread_id = path.into_inner();
    let thread = state.db.run(move |conn| knowledge::resolve(conn, viewer, thread_id, None)).await?;
    Ok(HttpResponse::Ok().json(thread))
}

#[derive(Deserialize)]
struct ReadyBody {
    ready: bool,
}

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

async fn distill_draft(state: web::Data<AppState>, caller: ApiUser, path: web::Path<i64>) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let thread_id = path.into_inner();
    let draft = state.db.run(move |conn| knowledge::distill_draft(conn, viewer, thread_id)).await?;
    Ok(HttpResponse::Ok().json(draft))
}

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

async fn list(state: web::Data<AppState>, caller: MaybeApiUser, q: web::Query<ListFilter>) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let filter = q.into_inner();
    let items = state.db.run(move |conn| views::list(conn, viewer, &filter)).await?;
    Ok(HttpResponse::Ok().json(json!({"items": items})))
}

async fn get_item(state: web::Data<AppState>, caller: MaybeApiUser, path: web::Path<i64>) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let item_id = path.into_inner();
    let page = state.db.run(move |conn| views::item_page(conn, viewer, item_id)).await?;
    Ok(HttpResponse::Ok().json(page))
}

async fn revisions(state: web::Data<AppState>, caller: MaybeApiUser, path: web::Path<i64>) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let item_id = path.into_inner();
    let (_, list) = state.db.run(move |conn| views::revisions_of(conn, viewer, item_id)).await?;
    Ok(HttpResponse::Ok().json(json!({"revisions": list})))
}

#[derive(Deserialize)]
struct RevisionBody {
    #[serde(flatten)]
    sections: Sections,
    #[serde(default)]
    note: String,
}

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

#[derive(Deserialize)]
struct DiffQuery {
    from: i32,
    to: i32,
}

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
    Ok(HttpResponse::Ok().json(json!({"from": from, "to": to, "sections": sections})))
}

#[derive(Deserialize)]
struct RestoreBody {
    number: i32,
    #[serde(default)]
    note: Option<String>,
}

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

/// Publish or archive: `/knowledge/{id}/publish`, `/knowledge/{id}/archive`.
async fn change_status(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<(i64, String)>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let (item_id, action) = path.into_inner();
    let item = state.db.run(move |conn| knowledge::change_status(conn, viewer, item_id, &action)).await?;
    Ok(HttpResponse::Ok().json(item))
}

async fn suggestions(state: web::Data<AppState>, caller: ApiUser, path: web::Path<i64>) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let item_id = path.into_inner();
    let page = state.db.run(move |conn| views::item_page(conn, viewer, item_id)).await?;
    if !page.can_curate {
        return Err(crate::error::Error::Forbidden.into());
    }
    Ok(HttpResponse::Ok().json(json!({"suggestions": page.pending_suggestions})))
}

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

#[derive(Deserialize)]
struct DeclineBody {
    reason: String,
}

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

#[derive(Deserialize)]
struct FeedbackBody {
    kind: FeedbackKind,
    #[serde(default)]
    comment: String,
}

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

#[derive(Deserialize)]
struct ReconfirmBody {
    review_on: chrono::NaiveDate,
}

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

async fn review_queue(state: web::Data<AppState>, caller: ApiUser, path: web::Path<String>) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let slug = path.into_inner();
    let (_, items) = state.db.run(move |conn| views::review_queue_for(conn, viewer, &slug)).await?;
    Ok(HttpResponse::Ok().json(json!({"items": items})))
}
