//! Invitations on pages: a facilitator invites, adds or removes people on
//! the members page; the invitee answers from the mailed link or the
//! notifications page. Admins turn accounts off and on from the profile.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::{form_failure, see_other};
use crate::accounts;
use crate::communities::invitations::{self, Invitee};
use crate::error::Error;
use crate::throttle::Write;
use crate::web::errors::WebResult;
use crate::web::flash::{see_other_with, Flash};
use crate::web::session::{CsrfForm, Session};
use crate::web::AppState;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.post("/c/{slug}/invitations", invite)
        .post("/c/{slug}/members", change_members)
        .get("/invitations/{token}", invitation_page)
        .post("/invitations/{token}", answer_by_link)
        .post("/invitations/{id}/{answer:accept|decline}", answer)
        .post("/u/{username}/active", set_active);
}

#[derive(Deserialize)]
struct InviteForm {
    /// A username or an email address, as the facilitator typed it.
    #[serde(default)]
    who: String,
}

async fn invite(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<InviteForm>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let slug = path.into_inner();
    let who = form.who.trim().to_owned();
    let invitee = if who.contains('@') {
        Invitee { email: Some(who), username: None }
    } else {
        Invitee { username: Some(who), email: None }
    };
    let (st, target) = (state.clone(), slug.clone());
    let result = state
        .limited_write(viewer, Write::Invitation, move |conn| {
            invitations::invite(conn, &st.mail_context(), viewer, &target, &invitee)
        })
        .await;
    back_to_members(&session, &slug, result.map(|_| ()), Flash::Invited)
}

/// Back to the members page: with a confirmation, or with what was wrong
/// with the name typed (the page has two small forms, so the message goes
/// at its top rather than beside a field).
fn back_to_members(session: &Session, slug: &str, result: Result<(), Error>, done: Flash) -> WebResult<HttpResponse> {
    match result {
        Ok(()) => Ok(see_other_with(&format!("/c/{slug}/members"), done)),
        Err(e @ Error::Invalid(_)) => {
            let (_, errors) = form_failure(session.lang, e)?;
            let message = errors.into_values().next().unwrap_or_default();
            Ok(see_other(&format!("/c/{slug}/members?problem={}", crate::web::errors::urlencode(&message))))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct MemberForm {
    #[serde(default)]
    username: String,
    /// "add" or "remove".
    action: String,
}

async fn change_members(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<MemberForm>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let slug = path.into_inner();
    let target = slug.clone();
    let username = form.username.trim().to_lowercase();
    let result = state
        .db
        .run(move |conn| match form.action.as_str() {
            "add" => invitations::add_member(conn, viewer, &target, &username),
            "remove" => invitations::remove_member(conn, viewer, &target, &username),
            _ => Err(Error::invalid("action", "error-invalid-choice")),
        })
        .await;
    back_to_members(&session, &slug, result, Flash::MembersChanged)
}

/// The mailed link: who invites whom to what, with buttons that post (so
/// that mail scanners following links decide nothing).
async fn invitation_page(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
) -> WebResult<HttpResponse> {
    session.require_user()?;
    let token = path.into_inner();
    let found = state.db.run(move |conn| invitations::by_token(conn, &token)).await;
    let mut ctx = tera::Context::new();
    let status = match found {
        Ok((invitation, view)) => {
            let open = invitation.status == crate::vocab::InvitationStatus::Pending
                && invitation.expires_at > crate::db::now();
            ctx.insert("invitation", &view);
            ctx.insert("open", &open);
            if open {
                StatusCode::OK
            } else {
                StatusCode::GONE
            }
        }
        Err(Error::Refused(_)) => StatusCode::GONE,
        Err(e) => return Err(e.into()),
    };
    state.render_with_status(&session, "invitation.html", &mut ctx, status)
}

#[derive(Deserialize)]
struct AnswerForm {
    /// "accept" or "decline".
    answer: String,
}

async fn answer_by_link(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<AnswerForm>,
) -> WebResult<HttpResponse> {
    let user = session.require_user()?.clone();
    let token = path.into_inner();
    let accept = form.answer == "accept";
    let decided = state.db.run(move |conn| invitations::decide_by_token(conn, &user, &token, accept)).await;
    answered(&state, &session, decided, accept).await
}

async fn answer(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<(i64, String)>,
    CsrfForm(_): CsrfForm<super::CsrfOnly>,
) -> WebResult<HttpResponse> {
    let user = session.require_user()?.clone();
    let (id, answer) = path.into_inner();
    let accept = answer == "accept";
    let decided = state.db.run(move |conn| invitations::decide(conn, &user, id, accept)).await;
    answered(&state, &session, decided, accept).await
}

/// Where an answer leads: into the community, or back to the bell; a used
/// or expired invitation says so.
async fn answered(
    state: &AppState,
    session: &Session,
    decided: Result<invitations::Invitation, Error>,
    accept: bool,
) -> WebResult<HttpResponse> {
    match decided {
        Ok(invitation) if accept => {
            let id = invitation.community_id;
            let community = state.db.run(move |conn| crate::communities::by_id(conn, id)).await?;
            Ok(see_other_with(&format!("/c/{}", community.slug), Flash::Joined))
        }
        Ok(_) => Ok(see_other_with("/notifications", Flash::InvitationDeclined)),
        Err(Error::Refused(code)) => {
            let mut ctx = tera::Context::new();
            ctx.insert("problem", code);
            state.render_with_status(session, "invitation.html", &mut ctx, StatusCode::GONE)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct ActiveForm {
    /// "1" turns the account on, anything else off.
    active: String,
}

async fn set_active(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<ActiveForm>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let username = path.into_inner();
    let target = username.clone();
    let active = form.active == "1";
    state
        .db
        .run(move |conn| {
            let user = accounts::find_by_username(conn, &target)?;
            accounts::set_active(conn, viewer, user.id, active)
        })
        .await?;
    Ok(see_other_with(&format!("/u/{username}"), Flash::SettingsSaved))
}
