//! Invitations to communities, and facilitators' and admins' hold on who is
//! in: invite, answer an invitation, deactivate an account.

use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::accounts::{self, PublicUser};
use crate::communities::invitations::{self, Invitation, InvitationView, Invitee};
use crate::throttle::Write;
use crate::web::errors::{Problem, WebResult};
use crate::web::session::ApiUser;
use crate::web::AppState;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.post("/communities/{slug}/invitations", invite)
        .get("/invitations", mine)
        .post("/invitations/{id}/accept", accept)
        .post("/invitations/{id}/decline", decline)
        .post("/admin/users/{username}/deactivate", deactivate)
        .post("/admin/users/{username}/reactivate", reactivate);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(invite, mine, accept, decline, deactivate, reactivate))]
pub struct Doc;

/// Invites an account (`username`) or an address (`email`) into a
/// community (its facilitators); the invitee hears of it under the bell
/// and by email.
#[utoipa::path(post, path = "/communities/{slug}/invitations", tag = "communities", security(("bearer" = [])),
    params(("slug" = String, Path, description = "The community's slug")),
    request_body = Invitee,
    responses((status = 201, description = "Invited", body = Invitation),
        (status = 403, description = "Not a facilitator of the community", content_type = "application/problem+json",
            body = Problem),
        (status = 422, description = "No such account, already a member or already invited",
            content_type = "application/problem+json", body = Problem)))]
async fn invite(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<String>,
    body: web::Json<Invitee>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let (slug, invitee) = (path.into_inner(), body.into_inner());
    let st = state.clone();
    let invitation = state
        .limited_write(viewer, Write::Invitation, move |conn| {
            invitations::invite(conn, &st.mail_context(), viewer, &slug, &invitee)
        })
        .await?;
    Ok(HttpResponse::Created().json(invitation))
}

#[derive(Serialize, ToSchema)]
struct Invitations {
    /// Open invitations to the caller, newest first.
    invitations: Vec<InvitationView>,
}

/// The invitations waiting for the caller's answer.
#[utoipa::path(get, path = "/invitations", tag = "communities", security(("bearer" = [])),
    responses((status = 200, description = "Open invitations", body = Invitations)))]
async fn mine(state: web::Data<AppState>, caller: ApiUser) -> WebResult<HttpResponse> {
    let user = caller.user().clone();
    let invitations = state.db.run(move |conn| invitations::mine(conn, &user)).await?;
    Ok(HttpResponse::Ok().json(Invitations { invitations }))
}

async fn decide(state: web::Data<AppState>, caller: ApiUser, id: i64, accept: bool) -> WebResult<HttpResponse> {
    let user = caller.user().clone();
    let invitation = state.db.run(move |conn| invitations::decide(conn, &user, id, accept)).await?;
    Ok(HttpResponse::Ok().json(invitation))
}

/// Accepts an invitation: the caller joins the community.
#[utoipa::path(post, path = "/invitations/{id}/accept", tag = "communities", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The invitation")),
    responses((status = 200, description = "Accepted", body = Invitation),
        (status = 409, description = "Already answered, or expired", content_type = "application/problem+json",
            body = Problem)))]
async fn accept(state: web::Data<AppState>, caller: ApiUser, path: web::Path<i64>) -> WebResult<HttpResponse> {
    decide(state, caller, path.into_inner(), true).await
}

/// Declines an invitation.
#[utoipa::path(post, path = "/invitations/{id}/decline", tag = "communities", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The invitation")),
    responses((status = 200, description = "Declined", body = Invitation),
        (status = 409, description = "Already answered, or expired", content_type = "application/problem+json",
            body = Problem)))]
async fn decline(state: web::Data<AppState>, caller: ApiUser, path: web::Path<i64>) -> WebResult<HttpResponse> {
    decide(state, caller, path.into_inner(), false).await
}

async fn set_active(
    state: web::Data<AppState>,
    caller: ApiUser,
    username: String,
    active: bool,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let user = state
        .db
        .run(move |conn| {
            let user = accounts::find_by_username(conn, &username)?;
            accounts::set_active(conn, viewer, user.id, active)
        })
        .await?;
    Ok(HttpResponse::Ok().json(PublicUser::from(&user)))
}

/// Turns an account off (admins): no sign-in, and its sessions end at once.
#[utoipa::path(post, path = "/admin/users/{username}/deactivate", tag = "accounts", security(("bearer" = [])),
    params(("username" = String, Path, description = "The account")),
    responses((status = 200, description = "Deactivated", body = PublicUser)))]
async fn deactivate(state: web::Data<AppState>, caller: ApiUser, path: web::Path<String>) -> WebResult<HttpResponse> {
    set_active(state, caller, path.into_inner(), false).await
}

/// Turns a deactivated account back on (admins).
#[utoipa::path(post, path = "/admin/users/{username}/reactivate", tag = "accounts", security(("bearer" = [])),
    params(("username" = String, Path, description = "The account")),
    responses((status = 200, description = "Active again", body = PublicUser)))]
async fn reactivate(state: web::Data<AppState>, caller: ApiUser, path: web::Path<String>) -> WebResult<HttpResponse> {
    set_active(state, caller, path.into_inner(), true).await
}
