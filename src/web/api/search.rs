//! `GET /api/v1/search`: the same search as the page, as JSON.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n::Lang;
use crate::search::{self, SearchParams, SearchResults};
use crate::web::errors::WebResult;
use crate::web::session::MaybeApiUser;
use crate::web::AppState;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/search", search_api);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(search_api))]
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
