//! Flags, the review queue, decisions, warnings, suspensions and the audit
//! log as JSON under `/api/v1`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use crate::accounts;
use crate::audit;
use crate::authz::{Standing, Viewer};
use crate::communities;
use crate::db::AnyConnection;
use crate::error::Result;
use crate::moderation::{self, views, Decision, Scope};
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

#[derive(Deserialize)]
struct FlagBody {
    reason: String,
    #[serde(default)]
    note: String,
}

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

#[derive(Deserialize)]
struct DecisionBody {
    decision: String,
    #[serde(default)]
    reason: String,
}

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
    Ok(HttpResponse::Ok().json(json!({"decision": decision})))
}

#[derive(Deserialize)]
struct ReasonBody {
    #[serde(default)]
    reason: String,
}

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
    Ok(HttpResponse::Created().json(json!({})))
}

/// A community by slug the viewer may read, with their standing there.
fn community_for(conn: &mut AnyConnection, viewer: Viewer, slug: &str) -> Result<(i64, Standing)> {
    let (community, standing) = communities::readable(conn, viewer, slug)?;
    Ok((community.id, standing))
}

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
    Ok(HttpResponse::Ok().json(json!({"queue": queue})))
}

async fn site_queue(state: web::Data<AppState>, caller: ApiUser) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let queue = state.db.run(move |conn| views::queue(conn, viewer, None)).await?;
    Ok(HttpResponse::Ok().json(json!({"queue": queue})))
}

#[derive(Deserialize)]
struct AuditQuery {
    before: Option<i64>,
}

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
    Ok(HttpResponse::Ok().json(json!({"entries": entries})))
}

async fn site_audit(state: web::Data<AppState>, caller: ApiUser, q: web::Query<AuditQuery>) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let before = q.before;
    let entries = state.db.run(move |conn| audit::read(conn, viewer, None, before)).await?;
    Ok(HttpResponse::Ok().json(json!({"entries": entries})))
}

#[derive(Deserialize)]
struct SuspendBody {
    /// A community's slug: mute there (its facilitators). Absent: suspend
    /// everywhere (admins).
    community: Option<String>,
    reason: String,
    /// How long; absent means until lifted.
    days: Option<u32>,
}

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
    Ok(HttpResponse::Created().json(json!({"suspension": suspension})))
}

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
