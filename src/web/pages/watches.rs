//! Watch buttons, the list of what one watches, and the signed one-click
//! stop-watching link of every digest entry (see `watching`).

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::{safe_next, see_other, ToggleForm};
use crate::digests::watched::verify_stop;
use crate::error::Error;
use crate::web::errors::{AppError, WebResult};
use crate::web::session::{CsrfForm, Session};
use crate::web::AppState;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.post("/watch/{kind}/{target}", toggle)
        .get("/settings/watches", watches_page)
        .get("/watches/stop/{user}/{kind}/{target}/{signature}", stop_page)
        .post("/watches/stop/{user}/{kind}/{target}/{signature}", stop);
}

#[derive(Deserialize)]
struct WatchForm {
    #[serde(flatten)]
    toggle: ToggleForm,
    next: Option<String>,
}

/// `value=1` watches, anything else stops; back to `next`.
async fn toggle(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<(String, String)>,
    CsrfForm(form): CsrfForm<WatchForm>,
) -> WebResult<HttpResponse> {
    let user_id = session.require_user()?.id;
    let viewer = session.viewer();
    let (kind, target) = path.into_inner();
    let on = form.toggle.on();
    state
        .db
        .run(move |conn| match on {
            true => crate::watching::watch(conn, viewer, &kind, &target).map(|_| ()),
            false => crate::watching::unwatch(conn, user_id, &kind, &target),
        })
        .await?;
    Ok(see_other(&safe_next(form.next.as_deref())))
}

async fn watches_page(state: web::Data<AppState>, session: Session) -> WebResult<HttpResponse> {
    session.require_user()?;
    let viewer = session.viewer();
    let watches = state.db.run(move |conn| crate::watching::watches_of(conn, viewer)).await?;
    let mut ctx = tera::Context::new();
    ctx.insert("watches", &watches);
    state.render(&session, "watches.html", &mut ctx)
}

type StopPath = (i64, String, String, String);

/// Checks the signed link (no sign-in needed, as mail providers require)
/// and says in words what it stops.
fn stop_context(state: &AppState, session: &Session, path: &StopPath, done: bool) -> WebResult<tera::Context> {
    let (user_id, kind, target, signature) = path;
    if !verify_stop(&state.config.secret, *user_id, kind, target, signature) {
        return Err(AppError(Error::Forbidden));
    }
    let watched = match kind.as_str() {
        "all" => session.lang.t("watch-kind-all"),
        "tag" => format!("#{target}"),
        other => session.lang.t(&format!("watch-kind-{other}")),
    };
    let mut ctx = tera::Context::new();
    ctx.insert("watched", &watched);
    ctx.insert("done", &done);
    let encoded = percent_encoding::utf8_percent_encode(target, percent_encoding::NON_ALPHANUMERIC);
    ctx.insert("action", &format!("/watches/stop/{user_id}/{kind}/{encoded}/{signature}"));
    Ok(ctx)
}

async fn stop_page(state: web::Data<AppState>, session: Session, path: web::Path<StopPath>) -> WebResult<HttpResponse> {
    let mut ctx = stop_context(&state, &session, &path.into_inner(), false)?;
    state.render(&session, "watch_stop.html", &mut ctx)
}

/// RFC 8058 one-click: a POST with no cookies stops the watch at once.
async fn stop(state: web::Data<AppState>, session: Session, path: web::Path<StopPath>) -> WebResult<HttpResponse> {
    let path = path.into_inner();
    let mut ctx = stop_context(&state, &session, &path, true)?;
    let (user_id, kind, target, _) = path;
    state.db.run(move |conn| crate::watching::unwatch(conn, user_id, &kind, &target)).await?;
    state.render(&session, "watch_stop.html", &mut ctx)
}
