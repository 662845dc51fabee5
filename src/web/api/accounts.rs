//! `/api/v1/auth/*`: register, log in (→ token), log out everywhere; me and
//! my notifications.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use crate::accounts::{self, tokens, Registration};
use crate::web::errors::WebResult;
use crate::web::session::ApiUser;
use crate::web::AppState;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.post("/auth/register", register)
        .post("/auth/login", login)
        .post("/auth/logout-everywhere", logout_everywhere)
        .get("/me", me)
        .get("/notifications", notifications)
        .post("/notifications/read", mark_notifications_read);
}

async fn register(state: web::Data<AppState>, body: web::Json<Registration>) -> WebResult<HttpResponse> {
    let reg = body.into_inner();
    let user = state.db.run(move |conn| accounts::register(conn, &reg, false)).await?;
    let token = tokens::issue(&state.config.secret, &user, state.config.session_hours)?;
    Ok(HttpResponse::Created().json(json!({"user": user, "token": token})))
}

#[derive(Deserialize)]
struct LoginBody {
    /// Username or email.
    login: String,
    password: String,
}

async fn login(state: web::Data<AppState>, req: HttpRequest, body: web::Json<LoginBody>) -> WebResult<HttpResponse> {
    let ip = req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_else(|| "unknown".to_owned());
    let LoginBody { login, password } = body.into_inner();
    let st = state.clone();
    let user = state.db.run(move |conn| accounts::authenticate(conn, &st.config, &login, &password, &ip)).await?;
    let token = tokens::issue(&state.config.secret, &user, state.config.session_hours)?;
    Ok(HttpResponse::Ok().json(json!({"user": user, "token": token, "expires_in": state.config.session_hours * 3600})))
}

async fn logout_everywhere(state: web::Data<AppState>, user: ApiUser) -> WebResult<HttpResponse> {
    let id = user.0.id;
    state.db.run(move |conn| accounts::revoke_sessions(conn, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn me(user: ApiUser) -> HttpResponse {
    HttpResponse::Ok().json(json!({"user": user.0}))
}

/// The caller's notifications, newest first, with the unread count (only
/// about communities they may read now).
async fn notifications(state: web::Data<AppState>, user: ApiUser) -> WebResult<HttpResponse> {
    let id = user.0.id;
    let (unread, list) = state
        .db
        .run(move |conn| {
            Ok((crate::notifications::unread_count(conn, id)?, crate::notifications::recent(conn, id, 100)?))
        })
        .await?;
    Ok(HttpResponse::Ok().json(json!({"unread": unread, "notifications": list})))
}

async fn mark_notifications_read(state: web::Data<AppState>, user: ApiUser) -> WebResult<HttpResponse> {
    let id = user.0.id;
    state.db.run(move |conn| crate::notifications::mark_all_read(conn, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
