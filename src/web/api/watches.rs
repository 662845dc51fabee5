//! `/api/v1/watches`: what the caller watches (see `watching`).

use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::watching::{self, WatchView};
use crate::web::errors::{Problem, WebResult};
use crate::web::session::ApiUser;
use crate::web::AppState;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/watches", list_watches).put("/watches/{kind}/{id}", watch).delete("/watches/{kind}/{id}", unwatch);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(list_watches, watch, unwatch))]
pub struct Doc;

#[derive(Serialize, ToSchema)]
struct Watches {
    /// Newest first; only what the caller may still read.
    watches: Vec<WatchView>,
}

/// What the caller watches.
#[utoipa::path(get, path = "/watches", tag = "watching", security(("bearer" = [])),
    responses((status = 200, description = "The caller's watches", body = Watches)))]
async fn list_watches(state: web::Data<AppState>, caller: ApiUser) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let watches = state.db.run(move |conn| watching::watches_of(conn, viewer)).await?;
    Ok(HttpResponse::Ok().json(Watches { watches }))
}

/// Watches a thread, a board, a community (by id) or a tag: new threads
/// there, or new replies in the thread, come to the bell and the next digest.
#[utoipa::path(put, path = "/watches/{kind}/{id}", tag = "watching", security(("bearer" = [])),
    params(("kind" = String, Path, description = "thread, board, tag or community"),
        ("id" = String, Path, description = "The thread's, board's or community's id, or the tag")),
    responses((status = 200, description = "Watching", body = WatchView),
        (status = 404, description = "Nothing the caller may read", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "No such kind", content_type = "application/problem+json", body = Problem)))]
async fn watch(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<(String, String)>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let (kind, id) = path.into_inner();
    let watch = state.db.run(move |conn| watching::watch(conn, viewer, &kind, &id)).await?;
    Ok(HttpResponse::Ok().json(watch))
}

/// Stops watching.
#[utoipa::path(delete, path = "/watches/{kind}/{id}", tag = "watching", security(("bearer" = [])),
    params(("kind" = String, Path, description = "thread, board, tag or community"),
        ("id" = String, Path, description = "The thread's, board's or community's id, or the tag")),
    responses((status = 204, description = "Not watching")))]
async fn unwatch(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<(String, String)>,
) -> WebResult<HttpResponse> {
    let user_id = caller.user().id;
    let (kind, id) = path.into_inner();
    state.db.run(move |conn| watching::unwatch(conn, user_id, &kind, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
