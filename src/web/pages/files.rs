//! Attached files for browsers: downloads (for whoever may read the
//! community, by cookie or by bearer token), and the upload that the
//! editors' drag-and-drop and paste use.

use actix_multipart::Multipart;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::authz::Viewer;
use crate::error::Error;
use crate::files::upload::{self, Incoming};
use crate::web::api::files::Uploaded;
use crate::web::errors::{AppError, WebResult};
use crate::web::session::{MaybeApiUser, Session};
use crate::web::{uploads, AppState};
use crate::{communities, files, threads};

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/files/{id}/{name}", fetch)
        .get("/files/{id}/preview/{name}", fetch)
        .post("/attachments", upload_from_page);
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
    let place = match (id("board"), id("thread"), id("post")) {
        (Some(b), _, _) => Some(Place::Board(b)),
        (_, Some(t), _) => Some(Place::Thread(t)),
        (_, _, Some(p)) => Some(Place::Post(p)),
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

/// Where a form's files go: the community of a board, a thread or a post.
pub enum Place {
    Board(i64),
    Thread(i64),
    Post(i64),
}

/// Keeps the files a form brought (its file input, without JavaScript)
/// and adds their Markdown to the end of `body`, so they show where the
/// text ends, and the preview shows them too.
pub async fn attach_to_body(
    state: &AppState,
    viewer: Viewer,
    place: Place,
    files: Vec<Incoming>,
    body: &mut String,
) -> crate::error::Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    let slug = community_of(state, place).await?;
    for file in files {
        let attachment = upload::keep(&state.db, &state.store, &state.config.files, viewer, &slug, file).await?;
        if !body.trim_end().is_empty() {
            body.push_str("\n\n");
        }
        body.push_str(&attachment.markdown());
    }
    Ok(())
}

/// The slug of the community a board, thread or post is in.
async fn community_of(state: &AppState, place: Place) -> crate::error::Result<String> {
    state
        .db
        .run(move |conn| {
            let board_id = match place {
                Place::Board(id) => id,
                Place::Thread(id) => threads::by_id(conn, id)?.board_id,
                Place::Post(id) => {
                    let thread_id = threads::post_by_id(conn, id)?.thread_id;
                    threads::by_id(conn, thread_id)?.board_id
                }
            };
            let board = communities::board_by_id(conn, board_id)?;
            Ok(communities::by_id(conn, board.community_id)?.slug)
        })
        .await
}
