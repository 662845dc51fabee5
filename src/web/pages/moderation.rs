//! Flagging a post, the review queue (a community's, and the site-wide one
//! for admins), decisions, warnings, mutes and suspensions, and the audit
//! log pages.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::{form_failure, safe_next, see_other};
use crate::accounts;
use crate::audit;
use crate::authz::{authorize, Action};
use crate::communities;
use crate::error::Error;
use crate::moderation::{self, views, Decision, FlagReason, Scope};
use crate::threads;
use crate::throttle::Write;
use crate::web::errors::{AppError, WebResult};
use crate::web::session::{CsrfForm, Session};
use crate::web::AppState;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/p/{id}/flag", flag_page)
        .post("/p/{id}/flag", flag)
        .post("/p/{id}/decision", decide)
        .post("/p/{id}/warn", warn)
        .get("/c/{slug}/flags", community_queue)
        .get("/admin/flags", site_queue)
        .post("/c/{slug}/mutes", mute)
        .post("/admin/suspensions", suspend)
        .post("/suspensions/{id}/lift", lift)
        .get("/c/{slug}/audit", community_audit)
        .get("/admin/audit", site_audit);
}

#[derive(Deserialize, Default)]
struct FlagForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
}

async fn render_flag_form(
    state: &AppState,
    session: &Session,
    post_id: i64,
    form: &FlagForm,
    errors: Option<std::collections::HashMap<String, String>>,
    status: StatusCode,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let (post, thread) = state
        .db
        .run(move |conn| {
            let post = threads::post_by_id(conn, post_id)?;
            let ctx = threads::readable(conn, viewer, post.thread_id)?;
            authorize(viewer, ctx.standing, Action::FlagPost { author_id: post.author_id })?;
            Ok((post, ctx.thread))
        })
        .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("post_id", &post.id);
    ctx.insert("excerpt", &crate::markdown::plain_excerpt(&post.body_md, 300));
    ctx.insert("thread", &thread);
    ctx.insert("reasons", FlagReason::ALL);
    ctx.insert("form", &serde_json::json!({"reason": form.reason, "note": form.note}));
    ctx.insert("errors", &errors.unwrap_or_default());
    state.render_with_status(session, "flag.html", &mut ctx, status)
}

async fn flag_page(state: web::Data<AppState>, session: Session, path: web::Path<i64>) -> WebResult<HttpResponse> {
    render_flag_form(&state, &session, path.into_inner(), &FlagForm::default(), None, StatusCode::OK).await
}

/// Flags the post, then back to it, with thanks.
async fn flag(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<FlagForm>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let post_id = path.into_inner();
    let (reason, note) = (form.reason.clone(), form.note.clone());
    let hide_after = state.config.flags_to_hide;
    let result = state
        .limited_write(viewer, Write::Flag, move |conn| {
            moderation::flag(conn, viewer, post_id, &reason, &note, hide_after)?;
            Ok(threads::post_by_id(conn, post_id)?.thread_id)
        })
        .await;
    match result {
        Ok(thread_id) => Ok(see_other(&format!("/t/{thread_id}?flagged={post_id}#p{post_id}"))),
        Err(Error::Refused(moderation::FLAGGED_ALREADY)) => {
            let errors = [("reason".to_owned(), session.lang.t(moderation::FLAGGED_ALREADY))].into();
            render_flag_form(&state, &session, post_id, &form, Some(errors), StatusCode::CONFLICT).await
        }
        Err(e) => {
            let (status, errors) = form_failure(session.lang, e)?;
            render_flag_form(&state, &session, post_id, &form, Some(errors), status).await
        }
    }
}

/// What the queue page shows, for one community or for all.
async fn render_queue(state: &AppState, session: &Session, slug: Option<String>) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let (community, queue, in_force) = state
        .db
        .run(move |conn| {
            let community = match &slug {
                Some(slug) => Some(communities::readable(conn, viewer, slug)?),
                None => None,
            };
            let scope = community.as_ref().map(|(c, standing)| (c.id, *standing));
            let queue = views::queue(conn, viewer, scope)?;
            let in_force = views::in_force(conn, community.as_ref().map(|(c, _)| c.id))?;
            Ok((community.map(|(c, _)| c), queue, in_force))
        })
        .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("community", &community);
    ctx.insert("queue", &queue);
    ctx.insert("in_force", &in_force);
    ctx.insert("decisions", &Decision::ALL.map(Decision::as_str));
    ctx.insert("queue_path", &session.current_path);
    state.render(session, "review_queue.html", &mut ctx)
}

async fn community_queue(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
) -> WebResult<HttpResponse> {
    session.require_user()?;
    render_queue(&state, &session, Some(path.into_inner())).await
}

async fn site_queue(state: web::Data<AppState>, session: Session) -> WebResult<HttpResponse> {
    session.require_user()?;
    render_queue(&state, &session, None).await
}

#[derive(Deserialize)]
struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    next: Option<String>,
}

async fn decide(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let post_id = path.into_inner();
    let decision =
        Decision::parse(&form.decision).ok_or(AppError(Error::invalid("decision", "error-invalid-choice")))?;
    let reason = form.reason;
    state.db.run(move |conn| moderation::decide(conn, viewer, post_id, decision, &reason)).await?;
    Ok(see_other(&safe_next(form.next.as_deref())))
}

#[derive(Deserialize)]
struct ReasonForm {
    #[serde(default)]
    reason: String,
    next: Option<String>,
}

async fn warn(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ReasonForm>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let post_id = path.into_inner();
    let reason = form.reason;
    state.db.run(move |conn| moderation::warn(conn, viewer, post_id, &reason)).await?;
    Ok(see_other(&safe_next(form.next.as_deref())))
}

#[derive(Deserialize)]
struct SuspendForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    reason: String,
    /// Blank: until lifted.
    #[serde(default, deserialize_with = "crate::web::blank_as_none")]
    days: Option<u32>,
    next: Option<String>,
}

async fn mute(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<SuspendForm>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let slug = path.into_inner();
    let SuspendForm { username, reason, days, next } = form;
    state
        .db
        .run(move |conn| {
            let community_id = communities::readable(conn, viewer, &slug)?.0.id;
            let person = accounts::find_by_username(conn, &username)?;
            moderation::suspend(conn, viewer, person.id, Scope::Community(community_id), &reason, days)
        })
        .await?;
    Ok(see_other(&safe_next(next.as_deref())))
}

async fn suspend(
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(form): CsrfForm<SuspendForm>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let SuspendForm { username, reason, days, next } = form;
    state
        .db
        .run(move |conn| {
            let person = accounts::find_by_username(conn, &username)?;
            moderation::suspend(conn, viewer, person.id, Scope::Site, &reason, days)
        })
        .await?;
    Ok(see_other(&safe_next(next.as_deref())))
}

#[derive(Deserialize)]
struct NextForm {
    next: Option<String>,
}

async fn lift(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<NextForm>,
) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let id = path.into_inner();
    state.db.run(move |conn| moderation::lift(conn, viewer, id, "")).await?;
    Ok(see_other(&safe_next(form.next.as_deref())))
}

#[derive(Deserialize)]
struct AuditQuery {
    before: Option<i64>,
}

async fn render_audit(
    state: &AppState,
    session: &Session,
    slug: Option<String>,
    before: Option<i64>,
) -> WebResult<HttpResponse> {
    session.require_user()?;
    let viewer = session.viewer();
    let (community, entries) = state
        .db
        .run(move |conn| {
            let community = match &slug {
                Some(slug) => Some(communities::readable(conn, viewer, slug)?),
                None => None,
            };
            let entries = audit::read(conn, viewer, community.as_ref().map(|(c, s)| (c.id, *s)), before)?;
            Ok((community.map(|(c, _)| c), entries))
        })
        .await?;
    let mut ctx = tera::Context::new();
    let older = (entries.len() as i64 == audit::PAGE_SIZE).then(|| entries.last().map(|e| e.id)).flatten();
    ctx.insert("community", &community);
    ctx.insert("entries", &entries);
    ctx.insert("older", &older);
    state.render(session, "audit.html", &mut ctx)
}

async fn community_audit(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<String>,
    q: web::Query<AuditQuery>,
) -> WebResult<HttpResponse> {
    render_audit(&state, &session, Some(path.into_inner()), q.before).await
}

async fn site_audit(
    state: web::Data<AppState>,
    session: Session,
    q: web::Query<AuditQuery>,
) -> WebResult<HttpResponse> {
    render_audit(&state, &session, None, q.before).await
}
