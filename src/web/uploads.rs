//! Receiving files: a multipart body read field by field, each file
//! streamed into a temporary file under the data directory (hashed and
//! counted as it arrives, never whole in memory), and the serving of
//! stored files with the headers that keep them inert.

use actix_multipart::Multipart;
use actix_web::dev::Payload;
use actix_web::http::header::{
    self, Charset, ContentDisposition, DispositionParam, DispositionType, EntityTag, ExtendedValue,
};
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use futures_util::{StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;

use super::errors::{AppError, WebResult};
use super::session::{CsrfForm, Session};
use super::AppState;
use crate::authz::Viewer;
use crate::error::{Context, Error};
use crate::files::remote::{localise, Fetching};
use crate::files::store::blob_key;
use crate::files::upload::{self, Incoming, Spool};
use crate::files::Attachment;
use crate::{communities, threads};

/// Text fields of an upload form, all together, at most this many bytes.
const MAX_TEXT_BYTES: usize = 256 * 1024;
/// Files in one form.
pub const MAX_FILES: usize = 10;

/// A multipart form: its files (fields `file` or `files`) and its text fields.
pub struct Received {
    pub files: Vec<Incoming>,
    pub fields: Vec<(String, String)>,
}

impl Received {
    /// A text field's value (the first, if sent twice).
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// A form that may bring files: URL-encoded (no files), or multipart from
/// an editor with a file input. Its CSRF token is checked either way, and
/// its text fields parse into `T` as a URL-encoded form's would.
pub struct CsrfUpload<T>(pub T, pub Vec<Incoming>);

impl<T: DeserializeOwned + 'static> FromRequest for CsrfUpload<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let multipart = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if !multipart {
            let form = CsrfForm::<T>::from_request(req, payload);
            return Box::pin(async move { Ok(CsrfUpload(form.await?.0, Vec::new())) });
        }
        let body = Multipart::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let session = Session::load(&req).await?;
            let state = req
                .app_data::<actix_web::web::Data<AppState>>()
                .ok_or_else(|| AppError(Error::internal("no app state")))?
                .clone();
            let body = body.await.map_err(|e| AppError(Error::BadRequest(e.to_string())))?;
            let received = receive(&state, &req, body).await?;
            session.check_csrf(&state.config.secret, received.field("csrf").unwrap_or_default())?;
            let encoded = serde_urlencoded::to_string(&received.fields).context("re-encoding a form")?;
            let value = serde_urlencoded::from_str(&encoded).map_err(|e| AppError(Error::BadRequest(e.to_string())))?;
            Ok(CsrfUpload(value, received.files))
        })
    }
}

/// Reads a multipart body. A file over the size limit ends the upload with
/// 413 once the rest of the body is read (so the client hears the answer),
/// up to a bound past which the connection is simply closed.
pub async fn receive(state: &AppState, req: &HttpRequest, mut body: Multipart) -> WebResult<Received> {
    let limit = state.config.files.max_file_bytes;
    let limit_mb = (limit / (1024 * 1024)) as i64;
    let declared: Option<u64> =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    if declared.is_some_and(|len| len > limit * MAX_FILES as u64 + MAX_TEXT_BYTES as u64) {
        return Err(AppError(Error::FileTooLarge { limit_mb }));
    }
    let tmp = state.config.data_dir.join("tmp");
    let mut received = Received { files: Vec::new(), fields: Vec::new() };
    let mut text_bytes = 0usize;
    let mut too_large = false;
    while let Some(field) = body.next().await {
        let mut field = field.map_err(|e| AppError(Error::BadRequest(format!("malformed upload: {e}"))))?;
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.content_disposition().and_then(|d| d.get_filename()).map(str::to_owned);
        match file_name {
            Some(file_name) if name == "file" || name == "files" => {
                if too_large || received.files.len() >= MAX_FILES {
                    while field.try_next().await.map_err(|e| AppError(Error::BadRequest(e.to_string())))?.is_some() {}
                    if received.files.len() >= MAX_FILES {
                        return Err(AppError(Error::invalid("file", "error-too-many-files")));
                    }
                    continue;
                }
                let mut spool = Spool::new(&tmp, limit).await?;
                while let Some(chunk) =
                    field.try_next().await.map_err(|e| AppError(Error::BadRequest(format!("upload cut off: {e}"))))?
                {
                    spool.write(&chunk).await?;
                }
                too_large |= spool.over_limit();
                // An empty file input sends a part with no name and no bytes.
                let nothing_chosen = file_name.is_empty() && spool.size() == 0;
                if !too_large && !nothing_chosen {
                    received.files.push(spool.finish(file_name).await?);
                }
            }
            _ => {
                let mut value = Vec::new();
                while let Some(chunk) =
                    field.try_next().await.map_err(|e| AppError(Error::BadRequest(e.to_string())))?
                {
                    text_bytes += chunk.len();
                    if text_bytes > MAX_TEXT_BYTES {
                        return Err(AppError(Error::PayloadTooLarge));
                    }
                    value.extend_from_slice(&chunk);
                }
                let value = String::from_utf8(value)
                    .map_err(|_| AppError(Error::BadRequest(format!("the field {name} is not UTF-8"))))?;
                received.fields.push((name, value));
            }
        }
    }
    if too_large {
        return Err(AppError(Error::FileTooLarge { limit_mb }));
    }
    Ok(received)
}

/// Types a browser may show in place: raster pictures. Everything else
/// (SVG and HTML above all) is downloaded.
fn shown_inline(content_type: &str) -> bool {
    matches!(content_type, "image/jpeg" | "image/png" | "image/gif" | "image/webp")
}

/// `Content-Disposition` with the name as uploaded: an ASCII stand-in for
/// old clients and the UTF-8 name (RFC 6266 / 5987) for everyone else.
fn disposition(inline: bool, name: &str) -> ContentDisposition {
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    ContentDisposition {
        disposition: if inline { DispositionType::Inline } else { DispositionType::Attachment },
        parameters: vec![
            DispositionParam::Filename(ascii),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: name.as_bytes().to_vec(),
            }),
        ],
    }
}

/// A stored file's response: streamed from the store, inert (no sniffing,
/// a sandbox for anything opened directly), cached according to who may
/// read it, and 304 when the browser has it already.
pub async fn serve(
    state: &AppState,
    req: &HttpRequest,
    attachment: &Attachment,
    public: bool,
    preview: bool,
) -> WebResult<HttpResponse> {
    let (sha, content_type) = match (&attachment.preview_sha256, &attachment.preview_type, preview) {
        (Some(sha), Some(kind), true) => (sha, kind),
        _ => (&attachment.sha256, &attachment.content_type),
    };
    let cache = if public { "public, max-age=31536000, immutable" } else { "private, max-age=86400" };
    serve_blob(state, req, sha, content_type, &attachment.file_name, cache).await
}

/// One blob of the store as a response (see [`serve`]).
pub async fn serve_blob(
    state: &AppState,
    req: &HttpRequest,
    sha: &str,
    content_type: &str,
    file_name: &str,
    cache: &str,
) -> WebResult<HttpResponse> {
    let etag = EntityTag::new_strong(sha.to_owned());
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim().trim_start_matches("W/") == etag.to_string()));
    let mut res = if matches { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    res.insert_header(header::ETag(etag))
        .insert_header((header::CACHE_CONTROL, cache.to_owned()))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'; sandbox"));
    if matches {
        return Ok(res.finish());
    }
    let stream = state.store.get(&blob_key(sha)).await.map_err(|e| match e {
        // A row whose bytes are gone: `sala storage check` reports these.
        Error::NotFound => AppError(Error::internal(format!("{sha} is missing from the store"))),
        other => AppError(other),
    })?;
    Ok(res
        .insert_header((header::CONTENT_TYPE, content_type.to_owned()))
        .insert_header(disposition(shown_inline(content_type), file_name))
        .streaming(stream.map_err(AppError)))
}

/// Where a form's files go: the community of a board, a thread or a post.
pub enum Place {
    Board(i64),
    Thread(i64),
    Post(i64),
    /// A knowledge item (its editor).
    Knowledge(i64),
}

/// Readies a post's text before it is saved: keeps the files a form
/// brought (its file input, without JavaScript) and adds their Markdown to
/// the end, so they show where the text ends (and in the preview); and
/// fetches pictures linked from other sites into the store.
pub async fn prepare_body(
    state: &AppState,
    viewer: Viewer,
    place: Place,
    files: Vec<Incoming>,
    body: &mut String,
) -> crate::error::Result<()> {
    let remote = body.contains("](http");
    if files.is_empty() && !remote {
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
    if remote {
        let fetching = Fetching {
            db: &state.db,
            store: &state.store,
            settings: &state.config.files,
            data_dir: &state.config.data_dir,
            base_url: &state.config.base_url,
        };
        *body = localise(&fetching, viewer, &slug, body).await;
    }
    Ok(())
}

/// The slug of the community a board, thread or post is in.
pub async fn community_of(state: &AppState, place: Place) -> crate::error::Result<String> {
    state
        .db
        .run(move |conn| {
            let board_id = match place {
                Place::Knowledge(id) => {
                    use diesel::prelude::*;
                    let community_id: i64 = crate::db::schema::knowledge_items::table
                        .find(id)
                        .select(crate::db::schema::knowledge_items::community_id)
                        .first(conn)?;
                    return Ok(communities::by_id(conn, community_id)?.slug);
                }
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
