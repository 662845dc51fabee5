//! The organisation's KM plans over the API: plans, scopes, knowledge
//! areas, activities, indicators and their entries, evidence, the
//! committee's review and reporting rounds, and who holds the KM roles.
//! Anyone signed in reads; KM officers and admins write; KM reviewers
//! review.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::kmplan::review::{self};
use crate::kmplan::roles::{self, Holder};
use crate::kmplan::views::{self, PlanView};
use crate::kmplan::{self, ActivityStatus, NewActivity, NewArea, NewEntry, NewIndicator, NewScope, Plan, PlanFields};
use crate::vocab::{PlanPart, PlanStatus, SiteRole};
use crate::web::errors::{Problem, WebResult};
use crate::web::session::ApiUser;
use crate::web::AppState;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/km-plans", list_km_plans)
        .post("/km-plans", create_km_plan)
        .get("/km-plans/{id}", get_km_plan)
        .put("/km-plans/{id}", update_km_plan)
        .post("/km-plans/{id}/scopes", add_km_scope)
        .post("/km-scopes/{id}/areas", add_km_area)
        .post("/km-scopes/{id}/activities", add_km_activity)
        .patch("/km-activities/{id}", set_km_activity_status)
        .post("/km-scopes/{id}/indicators", add_km_indicator)
        .post("/km-indicators/{id}/entries", add_km_indicator_entry)
        .post("/km-evidence", add_km_evidence)
        .post("/km-plans/{id}/comments", comment_on_km_plan)
        .post("/km-comments/{id}/answer", answer_km_comment)
        .post("/km-plans/{id}/status", move_km_plan)
        .post("/km-plans/{id}/rounds", take_km_round)
        .get("/km-roles", list_km_roles)
        .post("/km-roles", grant_km_role)
        .delete("/km-roles/{username}/{role}", revoke_km_role);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list_km_plans,
    create_km_plan,
    get_km_plan,
    update_km_plan,
    add_km_scope,
    add_km_area,
    add_km_activity,
    set_km_activity_status,
    add_km_indicator,
    add_km_indicator_entry,
    add_km_evidence,
    comment_on_km_plan,
    answer_km_comment,
    move_km_plan,
    take_km_round,
    list_km_roles,
    grant_km_role,
    revoke_km_role
))]
pub struct Doc;

/// What was made.
#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

fn created(id: i64) -> HttpResponse {
    HttpResponse::Created().json(Created { id })
}

/// Every plan, newest fiscal year first.
#[utoipa::path(get, path = "/km-plans", tag = "km", security(("bearer" = [])),
    responses((status = 200, description = "Plans", body = [Plan])))]
async fn list_km_plans(state: web::Data<AppState>, caller: ApiUser) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let plans = state.db.run(move |conn| kmplan::list(conn, viewer)).await?;
    Ok(HttpResponse::Ok().json(plans))
}

/// Starts a plan for a fiscal year (Buddhist era) and unit, in draft.
#[utoipa::path(post, path = "/km-plans", tag = "km", request_body = PlanFields, security(("bearer" = [])),
    responses((status = 201, description = "The new plan", body = Plan),
        (status = 403, description = "Not a KM officer or admin", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "The unit has a plan for that year", content_type = "application/problem+json",
            body = Problem)))]
async fn create_km_plan(
    state: web::Data<AppState>,
    caller: ApiUser,
    body: web::Json<PlanFields>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let plan = state.db.run(move |conn| kmplan::create(conn, viewer, &body)).await?;
    Ok(HttpResponse::Created().json(plan))
}

/// The plan with its scopes, knowledge areas (each with `status` and
/// `published_items`), activities, indicators, comments and rounds.
#[utoipa::path(get, path = "/km-plans/{id}", tag = "km", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, description = "The plan", body = PlanView),
        (status = 404, description = "No such plan", content_type = "application/problem+json", body = Problem)))]
async fn get_km_plan(state: web::Data<AppState>, caller: ApiUser, path: web::Path<i64>) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let id = path.into_inner();
    let view = state.db.run(move |conn| views::plan_view(conn, viewer, id)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Rewrites the plan's heading, as-is assessment (SWOT) and lessons.
#[utoipa::path(put, path = "/km-plans/{id}", tag = "km", params(("id" = i64, Path)), request_body = PlanFields,
    security(("bearer" = [])),
    responses((status = 200, description = "The plan", body = Plan),
        (status = 409, description = "Under review", content_type = "application/problem+json", body = Problem)))]
async fn update_km_plan(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<PlanFields>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let id = path.into_inner();
    let plan = state.db.run(move |conn| kmplan::update(conn, viewer, id, &body)).await?;
    Ok(HttpResponse::Ok().json(plan))
}

/// Adds a KM scope with the reason it was chosen.
#[utoipa::path(post, path = "/km-plans/{id}/scopes", tag = "km", params(("id" = i64, Path)), request_body = NewScope,
    security(("bearer" = [])), responses((status = 201, description = "Added", body = Created)))]
async fn add_km_scope(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<NewScope>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let id = path.into_inner();
    Ok(created(state.db.run(move |conn| kmplan::add_scope(conn, viewer, id, &body)).await?))
}

/// Adds a knowledge area the scope needs, found in Sala by its tags.
#[utoipa::path(post, path = "/km-scopes/{id}/areas", tag = "km", params(("id" = i64, Path)), request_body = NewArea,
    security(("bearer" = [])), responses((status = 201, description = "Added", body = Created)))]
async fn add_km_area(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<NewArea>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let id = path.into_inner();
    Ok(created(state.db.run(move |conn| kmplan::add_area(conn, viewer, id, &body)).await?))
}

/// Adds an activity on one of the seven steps or six change elements.
#[utoipa::path(post, path = "/km-scopes/{id}/activities", tag = "km", params(("id" = i64, Path)),
    request_body = NewActivity, security(("bearer" = [])),
    responses((status = 201, description = "Added", body = Created)))]
async fn add_km_activity(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<NewActivity>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let id = path.into_inner();
    Ok(created(state.db.run(move |conn| kmplan::add_activity(conn, viewer, id, &body)).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct ActivityChange {
    pub status: ActivityStatus,
}

/// Reports an activity's progress.
#[utoipa::path(patch, path = "/km-activities/{id}", tag = "km", params(("id" = i64, Path)),
    request_body = ActivityChange, security(("bearer" = [])), responses((status = 204, description = "Saved")))]
async fn set_km_activity_status(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<ActivityChange>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let id = path.into_inner();
    state.db.run(move |conn| kmplan::set_activity_status(conn, viewer, id, body.status)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Adds an indicator: computed from Sala's evidence, or manual.
#[utoipa::path(post, path = "/km-scopes/{id}/indicators", tag = "km", params(("id" = i64, Path)),
    request_body = NewIndicator, security(("bearer" = [])),
    responses((status = 201, description = "Added", body = Created)))]
async fn add_km_indicator(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<NewIndicator>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let id = path.into_inner();
    Ok(created(state.db.run(move |conn| kmplan::add_indicator(conn, viewer, id, &body)).await?))
}

/// Enters a manual indicator's figure; earlier entries stay as its history.
#[utoipa::path(post, path = "/km-indicators/{id}/entries", tag = "km", params(("id" = i64, Path)),
    request_body = NewEntry, security(("bearer" = [])),
    responses((status = 201, description = "Entered", body = Created),
        (status = 409, description = "The indicator is computed", content_type = "application/problem+json",
            body = Problem)))]
async fn add_km_indicator_entry(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<NewEntry>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let id = path.into_inner();
    Ok(created(state.db.run(move |conn| kmplan::add_entry(conn, viewer, id, &body)).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct NewEvidence {
    /// `activity` or `indicator`.
    pub subject: PlanPart,
    pub subject_id: i64,
    /// A link to a file, page or photo.
    pub url: String,
    #[serde(default)]
    pub note: String,
}

/// Attaches evidence (a link) to an activity or indicator.
#[utoipa::path(post, path = "/km-evidence", tag = "km", request_body = NewEvidence, security(("bearer" = [])),
    responses((status = 201, description = "Added", body = Created)))]
async fn add_km_evidence(
    state: web::Data<AppState>,
    caller: ApiUser,
    body: web::Json<NewEvidence>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    Ok(created(
        state
            .db
            .run(move |conn| kmplan::add_evidence(conn, viewer, body.subject, body.subject_id, &body.url, &body.note))
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct NewComment {
    /// What the comment is about: `plan`, `scope`, `area`, `activity` or `indicator`.
    pub subject: PlanPart,
    pub subject_id: i64,
    pub body: String,
}

/// A KM reviewer's comment on the plan or one of its parts.
#[utoipa::path(post, path = "/km-plans/{id}/comments", tag = "km", params(("id" = i64, Path)),
    request_body = NewComment, security(("bearer" = [])),
    responses((status = 201, description = "Added", body = Created),
        (status = 403, description = "Not a KM reviewer or admin", content_type = "application/problem+json",
            body = Problem)))]
async fn comment_on_km_plan(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<NewComment>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let id = path.into_inner();
    Ok(created(
        state.db.run(move |conn| review::comment(conn, viewer, id, body.subject, body.subject_id, &body.body)).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct Answer {
    pub answer: String,
}

/// The plan's writers answer a comment (once).
#[utoipa::path(post, path = "/km-comments/{id}/answer", tag = "km", params(("id" = i64, Path)),
    request_body = Answer, security(("bearer" = [])), responses((status = 204, description = "Answered")))]
async fn answer_km_comment(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<Answer>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let id = path.into_inner();
    state.db.run(move |conn| review::answer(conn, viewer, id, &body.answer)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
pub struct StatusChange {
    /// `submitted` (writers), `returned` or `approved` (reviewers).
    pub to: PlanStatus,
}

#[derive(Serialize, ToSchema)]
pub struct StatusNow {
    pub status: PlanStatus,
}

/// Moves the plan through review.
#[utoipa::path(post, path = "/km-plans/{id}/status", tag = "km", params(("id" = i64, Path)),
    request_body = StatusChange, security(("bearer" = [])),
    responses((status = 200, description = "Moved", body = StatusNow),
        (status = 409, description = "Not from where it is, or comments are open",
            content_type = "application/problem+json", body = Problem)))]
async fn move_km_plan(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<StatusChange>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let id = path.into_inner();
    let status = state.db.run(move |conn| review::move_to(conn, viewer, id, body.to)).await?;
    Ok(HttpResponse::Ok().json(StatusNow { status }))
}

#[derive(Deserialize, ToSchema)]
pub struct NewRound {
    /// E.g. "6 months".
    pub label: String,
}

/// Freezes a reporting round: every indicator's and area's figures now.
#[utoipa::path(post, path = "/km-plans/{id}/rounds", tag = "km", params(("id" = i64, Path)),
    request_body = NewRound, security(("bearer" = [])),
    responses((status = 201, description = "Taken", body = Created)))]
async fn take_km_round(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<NewRound>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let id = path.into_inner();
    Ok(created(state.db.run(move |conn| review::take_round(conn, viewer, id, &body.label)).await?))
}

/// Who holds the KM roles.
#[utoipa::path(get, path = "/km-roles", tag = "km", security(("bearer" = [])),
    responses((status = 200, description = "Holders", body = [Holder])))]
async fn list_km_roles(state: web::Data<AppState>, caller: ApiUser) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let holders = state
        .db
        .run(move |conn| {
            crate::authz::authorize_plan(viewer, roles::of(conn, viewer)?, crate::authz::PlanAction::Read)?;
            roles::holders(conn)
        })
        .await?;
    Ok(HttpResponse::Ok().json(holders))
}

#[derive(Deserialize, ToSchema)]
pub struct Grant {
    pub username: String,
    pub role: SiteRole,
}

/// Appoints a KM officer or reviewer (admins).
#[utoipa::path(post, path = "/km-roles", tag = "km", request_body = Grant, security(("bearer" = [])),
    responses((status = 204, description = "Appointed"),
        (status = 403, description = "Not an admin", content_type = "application/problem+json", body = Problem)))]
async fn grant_km_role(state: web::Data<AppState>, caller: ApiUser, body: web::Json<Grant>) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    state.db.run(move |conn| roles::grant(conn, viewer, &body.username, body.role)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Ends an appointment (admins).
#[utoipa::path(delete, path = "/km-roles/{username}/{role}", tag = "km",
    params(("username" = String, Path), ("role" = SiteRole, Path)), security(("bearer" = [])),
    responses((status = 204, description = "Ended")))]
async fn revoke_km_role(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<(String, SiteRole)>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let (username, role) = path.into_inner();
    state.db.run(move |conn| roles::revoke(conn, viewer, &username, role)).await?;
    Ok(HttpResponse::NoContent().finish())
}
