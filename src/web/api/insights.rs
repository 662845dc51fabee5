//! KM insights: `GET /api/v1/insights` (see `insights`).

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::insights::recognition::{self, Contribution};
use crate::insights::{self, Insights, Period, PeriodQuery, Scope};
use crate::web::errors::{Problem, WebResult};
use crate::web::session::{ApiUser, MaybeApiUser};
use crate::web::AppState;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/insights", get_insights).get("/recognition", get_recognition);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(get_insights, get_recognition))]
pub struct Doc;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct CommunityQuery {
    /// The community's slug; none for the whole site (admins only).
    pub community: Option<String>,
}

/// A community's (its facilitators) or the site's (admins) KM figures for
/// a period — the current fiscal year unless asked otherwise — at three
/// levels (system, output, outcome) beside the period before, and the gaps.
#[utoipa::path(get, path = "/insights", tag = "insights",
    security(("bearer" = [])),
    params(CommunityQuery, PeriodQuery),
    responses((status = 200, description = "The figures", body = Insights),
        (status = 403, description = "Not a facilitator of the community (site-wide: not an admin)", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No community the caller may read", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "A period that cannot be read", content_type = "application/problem+json", body = Problem)))]
async fn get_insights(
    state: web::Data<AppState>,
    caller: ApiUser,
    community: web::Query<CommunityQuery>,
    period: web::Query<PeriodQuery>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let slug = community.into_inner().community;
    let period = Period::from_query(&period.into_inner())?;
    let found = state
        .db
        .run(move |conn| {
            let scope = Scope::for_viewer(conn, viewer, slug.as_deref())?;
            insights::insights(conn, &scope, period)
        })
        .await?;
    Ok(HttpResponse::Ok().json(found))
}

/// Contribution points and badges for a period (the current fiscal year
/// unless asked otherwise), best first: accepted answers, posts cited in
/// published knowledge and others' reuse of it count most. People who
/// asked to stay out of rankings are not listed.
#[utoipa::path(get, path = "/recognition", tag = "insights",
    params(CommunityQuery, PeriodQuery),
    responses((status = 200, description = "People, best first", body = Vec<Contribution>),
        (status = 401, description = "Site-wide recognition needs a sign-in", content_type = "application/problem+json", body = Problem),
        (status = 404, description = "No community the caller may read", content_type = "application/problem+json", body = Problem)))]
async fn get_recognition(
    state: web::Data<AppState>,
    caller: MaybeApiUser,
    community: web::Query<CommunityQuery>,
    period: web::Query<PeriodQuery>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let slug = community.into_inner().community;
    let period = Period::from_query(&period.into_inner())?;
    let people = state
        .db
        .run(move |conn| {
            let scope = Scope::for_reader(conn, viewer, slug.as_deref())?;
            recognition::recognition(conn, &scope, period, true)
        })
        .await?;
    Ok(HttpResponse::Ok().json(people))
}
