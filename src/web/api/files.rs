//! Attaching files: upload one, then reference its `url` in Markdown.

use actix_multipart::Multipart;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::Error;
use crate::files::{upload, Attachment};
use crate::web::errors::{AppError, Problem, WebResult};
use crate::web::session::ApiUser;
use crate::web::{uploads, AppState};

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.post("/attachments", create);
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(create), components(schemas(UploadForm)))]
pub struct Doc;

/// The multipart form of an upload.
#[derive(ToSchema)]
#[allow(dead_code)]
struct UploadForm {
    /// The file.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// The slug of the community whose posts will show it.
    community: String,
}

/// An attachment, and how to use it.
#[derive(Serialize, ToSchema)]
pub struct Uploaded {
    #[serde(flatten)]
    pub attachment: Attachment,
    /// Where it is downloaded; reference it in a post's Markdown.
    pub url: String,
    /// Pictures: the smaller copy pages show.
    pub preview_url: Option<String>,
    /// Markdown that shows it (a picture) or links it (any other file).
    pub markdown: String,
}

impl From<Attachment> for Uploaded {
    fn from(attachment: Attachment) -> Self {
        Uploaded {
            url: attachment.url(),
            preview_url: attachment.is_image().then(|| attachment.preview_url()),
            markdown: attachment.markdown(),
            attachment,
        }
    }
}

/// Receives one file for a community's posts and knowledge items. Its type
/// is read from its bytes; pictures lose their metadata and gain a preview.
/// A file is seen only by its uploader until a post references it.
#[utoipa::path(post, path = "/attachments", tag = "forum", security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, description = "Stored", body = Uploaded),
        (status = 413, description = "Larger than the file limit, or over the day's allowance",
            content_type = "application/problem+json", body = Problem),
        (status = 422, description = "A kind of file that is not allowed, or no file",
            content_type = "application/problem+json", body = Problem)))]
async fn create(
    state: web::Data<AppState>,
    caller: ApiUser,
    req: HttpRequest,
    body: Multipart,
) -> WebResult<HttpResponse> {
    let attachment = accept_one(&state, &req, caller.viewer(), body).await?;
    Ok(HttpResponse::Created().json(Uploaded::from(attachment)))
}

/// Receives a form with one file and a `community`, and keeps the file.
pub async fn accept_one(
    state: &AppState,
    req: &HttpRequest,
    viewer: crate::authz::Viewer,
    body: Multipart,
) -> WebResult<Attachment> {
    let mut form = uploads::receive(state, req, body).await?;
    let community = form.field("community").unwrap_or_default().to_owned();
    let file = form.files.pop().ok_or_else(|| AppError(Error::invalid("file", "error-file-missing")))?;
    if !form.files.is_empty() {
        return Err(AppError(Error::invalid("file", "error-too-many-files")));
    }
    Ok(upload::keep(&state.db, &state.store, &state.config.files, viewer, &community, file).await?)
}
