//! `GET /api/v1/search`: the same search as the page, as JSON.

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use crate::i18n::Lang;
use crate::search::{self, SearchParams};
use crate::web::errors::WebResult;
use crate::web::session::MaybeApiUser;
use crate::web::AppState;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/search", search_api);
}

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
    Ok(HttpResponse::Ok().json(json!({
        "query": results.query,
        "total": results.total,
        "more": results.more,
        "page": results.page,
        "per_page": results.per_page,
        "pages": results.pages,
        "results": results.results,
        "notice": results.notice,
        "message": message,
    })))
}
