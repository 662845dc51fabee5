//! Flags, the review queue, decisions, warnings, suspensions and the audit
//! log as JSON under `/api/v1`.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::accounts;
use crate::audit::{self, AuditRow};
use crate::authz::{Standing, Viewer};
use crate::communities;
use crate::db::AnyConnection;
use crate::error::Result;
use crate::moderation::views::{self, QueueItem};
use crate::moderation::{self, Decision, FlagOutcome, Scope, Suspension};
use crate::throttle::Write;
use crate::web::errors::{AppError, WebResult};
use crate::web::session::ApiUser;
use crate::web::AppState;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.post("/posts/{id}/flags", flag)
        .post("/posts/{id}/decision", decide)
        .post("/posts/{id}/warning", warn)
        .get("/communities/{slug}/flags", community_queue)
        .get("/flags", site_queue)
        .get("/communities/{slug}/audit", community_audit)
        .get("/audit", site_audit)
        .post("/users/{username}/suspensions", suspend)
        .post("/suspensions/{id}/lift", lift);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(flag, decide, warn, community_queue, site_queue, community_audit, site_audit, suspend, lift))]
pub struct Doc;

/// Flagged and hidden posts waiting for a facilitator, most flagged first.
#[derive(Serialize, ToSchema)]
struct Queue {
    queue: Vec<QueueItem>,
}

#[derive(Serialize, ToSchema)]
struct DecisionTaken {
    decision: Decision,
}

#[derive(Serialize, ToSchema)]
struct AuditLog {
    /// Newest first; page back with `before` set to the last entry's id.
    entries: Vec<AuditRow>,
}

#[derive(Serialize, ToSchema)]
struct SuspensionCreated {
    suspension: Suspension,
}

#[derive(Deserialize, ToSchema)]
struct FlagBody {
    #[schema(value_type = crate::vocab::FlagReason)]
    reason: String,
    /// What is wrong, in the flagger's words (needed for `other`).
    #[serde(default)]
    note: String,
}

/// Flags a post for the facilitators (members).
///
/// One open flag per member and post; enough flags from different members
/// hide the post pending review.
#[utoipa::path(
    post, path = "/posts/{id}/flags", tag = "moderation",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The post's id")),
    request_body = FlagBody,
    responses((status = 201, description = "Flagged", body = FlagOutcome)),
)]
async fn flag(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<FlagBody>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let post_id = path.into_inner();
    let FlagBody { reason, note } = body.into_inner();
    let hide_after = state.config.flags_to_hide;
    let outcome = state
        .limited_write(viewer, Write::Flag, move |conn| {
            moderation::flag(conn, viewer, post_id, &reason, &note, hide_after)
        })
        .await?;
    Ok(HttpResponse::Created().json(outcome))
}

#[derive(Deserialize, ToSchema)]
struct DecisionBody {
    #[schema(value_type = Decision)]
    decision: String,
    /// Told to the author and kept in the audit log.
    #[serde(default)]
    reason: String,
}

/// Decides on a post: keep, hide, restore, delete, or lock its thread (facilitators).
///
/// Settles the post's open flags and is written to the audit log.
#[utoipa::path(
    post, path = "/posts/{id}/decision", tag = "moderation",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The post's id")),
    request_body = DecisionBody,
    responses((status = 200, description = "Decided", body = DecisionTaken)),
)]
async fn decide(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<DecisionBody>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let post_id = path.into_inner();
    let DecisionBody { decision, reason } = body.into_inner();
    let decision =
        Decision::parse(&decision).ok_or(AppError(crate::error::Error::invalid("decision", "error-invalid-choice")))?;
    state.db.run(move |conn| moderation::decide(conn, viewer, post_id, decision, &reason)).await?;
    Ok(HttpResponse::Ok().json(DecisionTaken { decision }))
}

#[derive(Deserialize, ToSchema)]
struct ReasonBody {
    #[serde(default)]
    reason: String,
}

/// Warns a post's author privately, by notification (facilitators).
#[utoipa::path(
    post, path = "/posts/{id}/warning", tag = "moderation",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The post's id")),
    request_body = ReasonBody,
    responses((status = 201, description = "Warned")),
)]
async fn warn(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<ReasonBody>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let post_id = path.into_inner();
    let reason = body.into_inner().reason;
    state.db.run(move |conn| moderation::warn(conn, viewer, post_id, &reason)).await?;
    Ok(HttpResponse::Created().finish())
}

/// A community by slug the viewer may read, with their standing there.
fn community_for(conn: &mut AnyConnection, viewer: Viewer, slug: &str) -> Result<(i64, Standing)> {
    let (community, standing) = communities::readable(conn, viewer, slug)?;
    Ok((community.id, standing))
}

/// A community's review queue (its facilitators).
#[utoipa::path(
    get, path = "/communities/{slug}/flags", tag = "moderation",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The community's slug")),
    responses((status = 200, description = "The queue", body = Queue)),
)]
async fn community_queue(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<String>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let slug = path.into_inner();
    let queue = state
        .db
        .run(move |conn| {
            let community = community_for(conn, viewer, &slug)?;
            views::queue(conn, viewer, Some(community))
        })
        .await?;
    Ok(HttpResponse::Ok().json(Queue { queue }))
}

/// The review queue of every community the caller facilitates (admins: all).
#[utoipa::path(get, path = "/flags", tag = "moderation", security(("bearer" = [])),
    responses((status = 200, description = "The queue", body = Queue)))]
async fn site_queue(state: web::Data<AppState>, caller: ApiUser) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let queue = state.db.run(move |conn| views::queue(conn, viewer, None)).await?;
    Ok(HttpResponse::Ok().json(Queue { queue }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditQuery {
    /// Entries older than this entry's id (the next page).
    before: Option<i64>,
}

/// A community's audit log (its facilitators and admins).
#[utoipa::path(
    get, path = "/communities/{slug}/audit", tag = "moderation",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The community's slug"), AuditQuery),
    responses((status = 200, description = "One page of the log", body = AuditLog)),
)]
async fn community_audit(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<String>,
    q: web::Query<AuditQuery>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let slug = path.into_inner();
    let before = q.before;
    let entries = state
        .db
        .run(move |conn| {
            let community = community_for(conn, viewer, &slug)?;
            audit::read(conn, viewer, Some(community), before)
        })
        .await?;
    Ok(HttpResponse::Ok().json(AuditLog { entries }))
}

/// The whole audit log (admins).
#[utoipa::path(get, path = "/audit", tag = "moderation", security(("bearer" = [])), params(AuditQuery),
    responses((status = 200, description = "One page of the log", body = AuditLog)))]
async fn site_audit(state: web::Data<AppState>, caller: ApiUser, q: web::Query<AuditQuery>) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let before = q.before;
    let entries = state.db.run(move |conn| audit::read(conn, viewer, None, before)).await?;
    Ok(HttpResponse::Ok().json(AuditLog { entries }))
}

#[derive(Deserialize, ToSchema)]
struct SuspendBody {
    /// A community's slug: mute there (its facilitators). Absent: suspend
    /// everywhere (admins).
    community: Option<String>,
    reason: String,
    /// How long; absent means until lifted.
    days: Option<u32>,
}

/// Mutes a person in one community (its facilitators) or suspends them everywhere (admins).
#[utoipa::path(post, path = "/users/{username}/suspensions", tag = "moderation", security(("bearer" = [])),
    params(("username" = String, Path, description = "Who")), request_body = SuspendBody,
    responses((status = 201, description = "Suspended", body = SuspensionCreated)))]
async fn suspend(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<String>,
    body: web::Json<SuspendBody>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let username = path.into_inner();
    let SuspendBody { community, reason, days } = body.into_inner();
    let suspension = state
        .db
        .run(move |conn| {
            let person = accounts::find_by_username(conn, &username)?;
            let scope = match community {
                Some(slug) => Scope::Community(community_for(conn, viewer, &slug)?.0),
                None => Scope::Site,
            };
            moderation::suspend(conn, viewer, person.id, scope, &reason, days)
        })
        .await?;
    Ok(HttpResponse::Created().json(SuspensionCreated { suspension }))
}

/// Lifts a suspension or mute early (whoever may impose it).
#[utoipa::path(post, path = "/suspensions/{id}/lift", tag = "moderation", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The suspension's id")), request_body(content = Option<ReasonBody>),
    responses((status = 204, description = "Lifted")))]
async fn lift(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: Option<web::Json<ReasonBody>>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let id = path.into_inner();
    let reason = body.map(|b| b.into_inner().reason).unwrap_or_default();
    state.db.run(move |conn| moderation::lift(conn, viewer, id, &reason)).await?;
    Ok(HttpResponse::NoContent().finish())
}
