//! Digest settings, one-click unsubscribe, and the admins' outbox view.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::see_other;
use crate::digests::{self, content, Frequency};
use crate::error::Error;
use crate::outbox;
use crate::web::errors::{AppError, WebResult};
use crate::web::flash::{see_other_with, Flash};
use crate::web::session::{CsrfForm, Session};
use crate::web::AppState;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/settings/subscriptions", subscriptions_page)
        .post("/settings/subscriptions", save_subscriptions)
        .get("/unsubscribe/{user}/{communities}/{signature}", unsubscribe_page)
        .post("/unsubscribe/{user}/{communities}/{signature}", unsubscribe)
        .get("/notifications/unsubscribe/{user}/{signature}", unsubscribe_notifications_page)
        .post("/notifications/unsubscribe/{user}/{signature}", unsubscribe_notifications)
        .get("/admin/outbox", admin_outbox)
        .get("/notifications", notifications_page)
        .post("/notifications/read", mark_read)
        .post("/settings/notifications", save_notification_settings);
}

async fn subscriptions_page(state: web::Data<AppState>, session: Session) -> WebResult<HttpResponse> {
    let user_id = session.require_user()?.id;
    let rows = state.db.run(move |conn| digests::subscriptions_of(conn, user_id)).await?;
    let mut ctx = tera::Context::new();
    ctx.insert("subscriptions", &rows);
    state.render(&session, "subscriptions.html", &mut ctx)
}

/// Fields `frequency_<community id>` = off | daily | weekly.
async fn save_subscriptions(
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> WebResult<HttpResponse> {
    session.require_user()?;
    let viewer = session.viewer();
    let mut changes = Vec::new();
    for (key, value) in pairs {
        if let Some(id) = key.strip_prefix("frequency_") {
            let community_id: i64 =
                id.parse().map_err(|_| AppError(Error::BadRequest(format!("{key} is not a community"))))?;
            let frequency = Frequency::parse(&value).ok_or(AppError(Error::invalid(&key, "error-invalid-choice")))?;
            changes.push((community_id, frequency));
        }
    }
    state
        .db
        .run(move |conn| {
            for (community_id, frequency) in changes {
                digests::set_frequency(conn, viewer, community_id, frequency)?;
            }
            Ok(())
        })
        .await?;
    Ok(see_other_with("/settings/subscriptions", Flash::SettingsSaved))
}

/// Checks the signed link; no login needed, as mail providers require.
fn verified(state: &AppState, path: &(i64, String, String)) -> WebResult<Vec<i64>> {
    content::verify_unsubscribe(&state.config.secret, path.0, &path.1, &path.2).ok_or(AppError(Error::Forbidden))
}

async fn community_names(state: &AppState, ids: Vec<i64>) -> WebResult<String> {
    let names = state
        .db
        .run(move |conn| {
            ids.iter().map(|id| crate::communities::by_id(conn, *id).map(|c| c.name)).collect::<Result<Vec<_>, _>>()
        })
        .await?;
    Ok(names.join(", "))
}

async fn unsubscribe_page(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<(i64, String, String)>,
) -> WebResult<HttpResponse> {
    let path = path.into_inner();
    let ids = verified(&state, &path)?;
    let mut ctx = tera::Context::new();
    ctx.insert("communities", &community_names(&state, ids).await?);
    ctx.insert("action", &format!("/unsubscribe/{}/{}/{}", path.0, path.1, path.2));
    ctx.insert("done", &false);
    state.render(&session, "unsubscribe.html", &mut ctx)
}

/// RFC 8058 one-click: a POST with no cookies unsubscribes at once.
async fn unsubscribe(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<(i64, String, String)>,
) -> WebResult<HttpResponse> {
    let path = path.into_inner();
    let ids = verified(&state, &path)?;
    let user_id = path.0;
    let list = ids.clone();
    state
        .db
        .run(move |conn| {
            for community_id in list {
                digests::unsubscribe(conn, user_id, community_id)?;
            }
            Ok(())
        })
        .await?;
    let mut ctx = tera::Context::new();
    ctx.insert("communities", &community_names(&state, ids).await?);
    ctx.insert("done", &true);
    state.render(&session, "unsubscribe.html", &mut ctx)
}

fn verified_notifications(state: &AppState, path: &(i64, String)) -> WebResult<i64> {
    match content::verify_notifications_unsubscribe(&state.config.secret, path.0, &path.1) {
        true => Ok(path.0),
        false => Err(AppError(Error::Forbidden)),
    }
}

async fn unsubscribe_notifications_page(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<(i64, String)>,
) -> WebResult<HttpResponse> {
    let path = path.into_inner();
    verified_notifications(&state, &path)?;
    let mut ctx = tera::Context::new();
    ctx.insert("notifications", &true);
    ctx.insert("action", &format!("/notifications/unsubscribe/{}/{}", path.0, path.1));
    ctx.insert("done", &false);
    state.render(&session, "unsubscribe.html", &mut ctx)
}

/// RFC 8058 one-click for notification emails: both kinds off.
async fn unsubscribe_notifications(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<(i64, String)>,
) -> WebResult<HttpResponse> {
    let user_id = verified_notifications(&state, &path.into_inner())?;
    state.db.run(move |conn| crate::notifications::stop_emails(conn, user_id)).await?;
    let mut ctx = tera::Context::new();
    ctx.insert("notifications", &true);
    ctx.insert("done", &true);
    state.render(&session, "unsubscribe.html", &mut ctx)
}

#[derive(Deserialize)]
struct OutboxQuery {
    status: Option<String>,
}

async fn admin_outbox(
    state: web::Data<AppState>,
    session: Session,
    q: web::Query<OutboxQuery>,
) -> WebResult<HttpResponse> {
    let user = session.require_user()?;
    if !user.is_admin {
        return Err(AppError(Error::Forbidden));
    }
    let status = q.into_inner().status.as_deref().and_then(outbox::MailStatus::parse);
    let (counts, rows) =
        state.db.run(move |conn| Ok((outbox::counts(conn)?, outbox::recent(conn, status, 100)?))).await?;
    let mut ctx = tera::Context::new();
    ctx.insert("counts", &counts);
    ctx.insert("statuses", outbox::MailStatus::ALL);
    ctx.insert("rows", &rows);
    state.render(&session, "admin_outbox.html", &mut ctx)
}

/// Opening the list is reading it: the bell's count clears, while this
/// view still marks what was new.
async fn notifications_page(state: web::Data<AppState>, mut session: Session) -> WebResult<HttpResponse> {
    let user = session.require_user()?.clone();
    let user_id = user.id;
    let (rows, invitations) = state
        .db
        .run(move |conn| {
            let rows = crate::notifications::recent(conn, user_id, 100)?;
            crate::notifications::mark_all_read(conn, user_id)?;
            Ok((rows, crate::communities::invitations::mine(conn, &user)?))
        })
        .await?;
    // What still waits is an invitation's answer.
    session.unread = invitations.len() as i64;
    let mut ctx = tera::Context::new();
    ctx.insert("notifications", &rows);
    ctx.insert("invitations", &invitations);
    state.render(&session, "notifications.html", &mut ctx)
}

async fn mark_read(
    state: web::Data<AppState>,
    session: Session,
    _: CsrfForm<super::CsrfOnly>,
) -> WebResult<HttpResponse> {
    let user_id = session.require_user()?.id;
    state.db.run(move |conn| crate::notifications::mark_all_read(conn, user_id)).await?;
    Ok(see_other("/notifications"))
}

#[derive(Deserialize)]
struct NotificationSettings {
    /// Checkboxes: present when ticked.
    notify_replies: Option<String>,
    notify_resolved: Option<String>,
    notify_mentions: Option<String>,
}

async fn save_notification_settings(
    state: web::Data<AppState>,
    session: Session,
    CsrfForm(form): CsrfForm<NotificationSettings>,
) -> WebResult<HttpResponse> {
    let user_id = session.require_user()?.id;
    let chosen = crate::notifications::Preferences {
        replies: form.notify_replies.is_some(),
        resolved: form.notify_resolved.is_some(),
        mentions: form.notify_mentions.is_some(),
    };
    state.db.run(move |conn| crate::notifications::set_preferences(conn, user_id, chosen)).await?;
    Ok(see_other_with("/settings#notifications", Flash::SettingsSaved))
}
