//! Who knows what: `/api/v1/communities/{slug}/experts` and
//! `/api/v1/experts?tag=` (see `experts`).

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::experts::{self, Experts, Subject};
use crate::web::errors::{Problem, WebResult};
use crate::web::session::MaybeApiUser;
use crate::web::AppState;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/communities/{slug}/experts", community_experts).get("/experts", tag_experts);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(community_experts, tag_experts))]
pub struct Doc;

/// People who know a community's subject, best first, from evidence:
/// accepted answers, posts cited in published knowledge, helpful feedback
/// on that knowledge; newer evidence counts more.
#[utoipa::path(get, path = "/communities/{slug}/experts", tag = "forum",
    params(("slug" = String, Path, description = "The community")),
    responses((status = 200, description = "People, best first", body = Experts),
        (status = 404, description = "No community the caller may read", content_type = "application/problem+json", body = Problem)))]
async fn community_experts(
    state: web::Data<AppState>,
    caller: MaybeApiUser,
    path: web::Path<String>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let slug = path.into_inner();
    let found = state
        .db
        .run(move |conn| {
            let (community, _) = crate::communities::readable(conn, viewer, &slug)?;
            experts::experts(conn, viewer, Subject::Community(community.id))
        })
        .await?;
    Ok(HttpResponse::Ok().json(found))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct TagQuery {
    /// The tag.
    #[serde(default)]
    tag: String,
}

/// People who know a tag's subject, best first, from the evidence in
/// communities the caller may read; and, apart, those who declare it.
#[utoipa::path(get, path = "/experts", tag = "forum", params(TagQuery),
    responses((status = 200, description = "People, best first", body = Experts)))]
async fn tag_experts(
    state: web::Data<AppState>,
    caller: MaybeApiUser,
    q: web::Query<TagQuery>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let tag = crate::tags::normalise(&q.into_inner().tag).into_iter().next().unwrap_or_default();
    let found = state.db.run(move |conn| experts::experts(conn, viewer, Subject::Tag(&tag))).await?;
    Ok(HttpResponse::Ok().json(found))
}
