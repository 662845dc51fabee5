//! Attached files for browsers: downloads (for whoever may read the
//! community, by cookie or by bearer token), and the upload that the
//! editors' drag-and-drop and paste use.

use actix_multipart::Multipart;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::Error;
use crate::files::upload;
use crate::files::{self, avatars};
use crate::web::api::files::Uploaded;
use crate::web::errors::{AppError, WebResult};
use crate::web::flash::{see_other_with, Flash};
use crate::web::session::{MaybeApiUser, Session};
use crate::web::uploads::CsrfUpload;
use crate::web::uploads::{community_of, Place};
use crate::web::{uploads, AppState};

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/files/{id}/{name}", fetch)
        .get("/files/{id}/preview/{name}", fetch)
        .post("/attachments", upload_from_page)
        .get("/admin/files", usage)
        .post("/settings/avatar", set_avatar)
        .get("/u/{username}/avatar/{size}", avatar);
}

/// A download (`/files/{id}/{name}`) or a picture's preview
/// (`/files/{id}/preview/{name}`); the name is for people, the id decides.
async fn fetch(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    bearer: MaybeApiUser,
    path: web::Path<(i64, String)>,
) -> WebResult<HttpResponse> {
    let id = path.into_inner().0;
    let preview = req.match_pattern().is_some_and(|p| p.contains("/preview/"));
    let viewer = if bearer.0.is_some() { bearer.viewer() } else { session.viewer() };
    let (attachment, community) = state.db.run(move |conn| files::readable(conn, viewer, id)).await?;
    uploads::serve(&state, &req, &attachment, community.is_public, preview).await
}

/// The editors' script uploads here with the page's form token (header
/// `X-CSRF-Token`), and puts the answer's `markdown` into the text. The
/// form names its community, or the board, thread or post it writes in.
async fn upload_from_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Session,
    body: Multipart,
) -> WebResult<HttpResponse> {
    let token = req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or_default();
    session.check_csrf(&state.config.secret, token)?;
    let mut form = uploads::receive(&state, &req, body).await?;
    let id = |name: &str| form.field(name).and_then(|v| v.parse::<i64>().ok());
    let place = match (id("board"), id("thread"), id("post"), id("knowledge")) {
        (Some(b), ..) => Some(Place::Board(b)),
        (_, Some(t), ..) => Some(Place::Thread(t)),
        (_, _, Some(p), _) => Some(Place::Post(p)),
        (.., Some(k)) => Some(Place::Knowledge(k)),
        _ => None,
    };
    let community = match place {
        Some(place) => community_of(&state, place).await?,
        None => form.field("community").unwrap_or_default().to_owned(),
    };
    let file = form.files.pop().ok_or_else(|| AppError(Error::invalid("file", "error-file-missing")))?;
    let attachment =
        upload::keep(&state.db, &state.store, &state.config.files, session.viewer(), &community, file).await?;
    Ok(HttpResponse::Created().json(Uploaded::from(attachment)))
}

/// Admins: the space each community's files take.
async fn usage(state: web::Data<AppState>, session: Session) -> WebResult<HttpResponse> {
    let viewer = session.viewer();
    let usage = state.db.run(move |conn| files::usage_by_community(conn, viewer)).await?;
    let mut ctx = tera::Context::new();
    ctx.insert("usage", &usage);
    ctx.insert("total", &usage.iter().map(|u| u.size_bytes).sum::<i64>());
    state.render(&session, "admin_files.html", &mut ctx)
}

#[derive(serde::Deserialize)]
struct AvatarForm {
    /// Present: back to initials.
    remove: Option<String>,
}

/// Sets (or removes) the signed-in person's profile picture.
async fn set_avatar(
    state: web::Data<AppState>,
    session: Session,
    CsrfUpload(form, mut files): CsrfUpload<AvatarForm>,
) -> WebResult<HttpResponse> {
    let user_id = session.require_user()?.id;
    let result = match (form.remove, files.pop()) {
        (Some(_), _) => state.db.run(move |conn| avatars::remove(conn, user_id)).await,
        (None, Some(file)) => avatars::set(&state.db, &state.store, &state.config.files, user_id, file).await,
        (None, None) => Err(Error::invalid("file", "error-file-missing")),
    };
    match result {
        Ok(()) => Ok(see_other_with("/settings#avatar", Flash::SettingsSaved)),
        Err(e) => super::privacy::settings_with_errors(&state, &session, e, serde_json::json!({})).await,
    }
}

/// A profile picture, `large` or `small`; 404 without one (pages show
/// initials instead).
async fn avatar(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> WebResult<HttpResponse> {
    let (username, size) = path.into_inner();
    let found = state
        .db
        .run(move |conn| {
            let person = crate::accounts::find_by_username(conn, &username)?;
            avatars::of(conn, person.id)
        })
        .await?
        .ok_or(AppError(Error::NotFound))?;
    let sha = match size.as_str() {
        "large" => found.large_sha256,
        "small" => found.small_sha256,
        _ => return Err(AppError(Error::NotFound)),
    };
    uploads::serve_blob(&state, &req, &sha, &found.content_type, "avatar", "public, max-age=3600").await
}
