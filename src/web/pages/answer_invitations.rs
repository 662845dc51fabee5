//! The question page's "invite to answer" form (see `answer_invitations`).

use actix_web::{web, HttpResponse};

use crate::answer_invitations::{self, Invitee};
use crate::web::errors::WebResult;
use crate::web::flash::{see_other_with, Flash};
use crate::web::session::{CsrfForm, Session};
use crate::web::AppState;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.post("/t/{id}/invite", invite);
}

async fn invite(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<Invitee>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let thread_id = path.into_inner();
    state.db.run(move |conn| answer_invitations::invite(conn, viewer, thread_id, &form)).await?;
    Ok(see_other_with(&format!("/t/{thread_id}#invite"), Flash::Invited))
}
