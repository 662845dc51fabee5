//! The search page: the box in every page's header lands here.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use super::form_failure;
use crate::communities::views::list_communities;
use crate::search::{self, SearchParams};
use crate::web::errors::WebResult;
use crate::web::session::Session;
use crate::web::AppState;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/search", search_page);
}

async fn search_page(
    state: web::Data<AppState>,
    session: Session,
    params: web::Query<SearchParams>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let params = params.into_inner();
    let p = params.clone();
    let (outcome, communities) = state
        .db
        .run(move |conn| {
            let communities = list_communities(conn, viewer)?;
            // Nothing typed yet: show the form and tips, not "no results".
            let outcome =
                if p.q.trim().is_empty() && p.page.is_none() { None } else { Some(search::search(conn, viewer, &p)) };
            Ok((outcome, communities))
        })
        .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("params", &params);
    ctx.insert("communities", &communities);
    let mut status = StatusCode::OK;
    match outcome {
        Some(Ok(results)) => {
            let mut again = params.clone();
            again.page = None;
            let extra = serde_urlencoded::to_string(&again).unwrap_or_default();
            ctx.insert("pager_extra", &format!("&{extra}"));
            if let Some(corrected) = &results.did_you_mean {
                let suggested = SearchParams { q: corrected.clone(), page: None, ..params.clone() };
                let query = serde_urlencoded::to_string(&suggested).unwrap_or_default();
                ctx.insert("did_you_mean_url", &format!("/search?{query}"));
            }
            ctx.insert("results", &results);
        }
        Some(Err(e)) => {
            let (code, errors) = form_failure(session.lang, e)?;
            status = code;
            ctx.insert("errors", &errors);
        }
        None => {}
    }
    state.render_with_status(&session, "search.html", &mut ctx, status)
}
