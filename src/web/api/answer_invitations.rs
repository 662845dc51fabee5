//! `POST /api/v1/threads/{id}/invitations`: invite someone to answer an
//! open question (see `answer_invitations`).

use actix_web::{web, HttpResponse};

use crate::answer_invitations::{self, Invited, Invitee};
use crate::web::errors::{Problem, WebResult};
use crate::web::session::ApiUser;
use crate::web::AppState;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.post("/threads/{id}/invitations", invite_to_answer);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(invite_to_answer))]
pub struct Doc;

/// Invites someone to answer an open question: the asker or a facilitator,
/// up to three people who may read it. They are told in the bell and by
/// email, and reminded once if it is still open after some days.
#[utoipa::path(post, path = "/threads/{id}/invitations", tag = "forum", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The question")),
    request_body = Invitee,
    responses((status = 201, description = "Invited", body = Invited),
        (status = 403, description = "Neither the asker nor a facilitator", content_type = "application/problem+json", body = Problem),
        (status = 409, description = "Not an open question", content_type = "application/problem+json", body = Problem),
        (status = 422, description = "No such person, one who cannot read it, already invited, or three already",
            content_type = "application/problem+json", body = Problem)))]
async fn invite_to_answer(
    state: web::Data<AppState>,
    caller: ApiUser,
    path: web::Path<i64>,
    body: web::Json<Invitee>,
) -> WebResult<HttpResponse> {
    let viewer = caller.viewer();
    let (thread_id, invitee) = (path.into_inner(), body.into_inner());
    let invited = state.db.run(move |conn| answer_invitations::invite(conn, viewer, thread_id, &invitee)).await?;
    Ok(HttpResponse::Created().json(invited))
}
