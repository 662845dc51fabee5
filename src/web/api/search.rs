//! `GET /api/v1/search`: the same search as the page, as JSON; and the
//! "ask once" prompt's earlier answers (`/api/v1/similar`).

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n::Lang;
use crate::search::{self, SearchParams, SearchResults};
use crate::similar::{self, AnsweredInput, Similar, SimilarQuery};
use crate::web::errors::WebResult;
use crate::web::session::{ApiUser, MaybeApiUser};
use crate::web::AppState;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/search", search_api).get("/similar", similar_api).post("/similar/answered", answered_api);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(search_api, similar_api, answered_api))]
pub struct Doc;

/// Search results, with why there are none in words.
#[derive(Serialize, ToSchema)]
struct Found {
    #[serde(flatten)]
    results: SearchResults,
    /// When `notice` is set: the sentence to show, in the caller's language.
    message: Option<String>,
}

/// Searches threads, replies and knowledge the caller may read.
///
/// Thai words are found in text without spaces; results are ranked, with
/// highlighted snippets.
#[utoipa::path(get, path = "/search", tag = "search", params(SearchParams),
    responses((status = 200, description = "The results", body = Found)))]
async fn search_api(
    state: web::Data<AppState>,
    caller: MaybeApiUser,
    request: HttpRequest,
    params: web::Query<SearchParams>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let params = params.into_inner();
    let results = state.db.run(move |conn| search::search(conn, viewer, &params)).await?;
    // An empty query is not an error: say why there is nothing, in words.
    let message = results.notice.map(|code| {
        let accept = request.headers().get("accept-language").and_then(|v| v.to_str().ok());
        Lang::negotiate(None, None, accept).t(code)
    });
    Ok(HttpResponse::Ok().json(Found { results, message }))
}

#[derive(Serialize, ToSchema)]
struct SimilarList {
    /// Best first, those of the community asked in first; at most five.
    similar: Vec<Similar>,
}

/// Earlier answers to a question about to be asked.
///
/// Published knowledge items and resolved threads that share the title's
/// topic words (particles and question words left out), from communities
/// the caller may read.
#[utoipa::path(get, path = "/similar", tag = "search", params(SimilarQuery),
    responses((status = 200, description = "Earlier answers, best first", body = SimilarList),
        (status = 422, description = "The title is too long", content_type = "application/problem+json",
            body = crate::web::errors::Problem)))]
async fn similar_api(
    state: web::Data<AppState>,
    caller: MaybeApiUser,
    query: web::Query<SimilarQuery>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let query = query.into_inner();
    let found = state.db.run(move |conn| similar::similar(conn, viewer, &query)).await?;
    Ok(HttpResponse::Ok().json(SimilarList { similar: found }))
}

/// Says that an earlier thread or knowledge item answered the caller's
/// question, so they did not need to ask it (recorded once).
#[utoipa::path(post, path = "/similar/answered", tag = "search", request_body = AnsweredInput,
    security(("bearer" = [])),
    responses((status = 204, description = "Recorded"),
        (status = 404, description = "No such thread or item the caller may read",
            content_type = "application/problem+json", body = crate::web::errors::Problem)))]
async fn answered_api(
    state: web::Data<AppState>,
    caller: ApiUser,
    body: web::Json<AnsweredInput>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let input = body.into_inner();
    state.db.run(move |conn| similar::record_answered(conn, viewer, &input)).await?;
    Ok(HttpResponse::NoContent().finish())
}
