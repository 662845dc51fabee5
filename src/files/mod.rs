//! Files attached to posts and knowledge revisions: who may attach and
//! fetch them, the limits, and which posts and revisions reference which
//! files. The bytes are in [`store`]; [`kinds`] decides what a file is and
//! [`images`] makes pictures safe to show.
//!
//! A file belongs to one community and is read by that community's readers
//! only. Before a post references it, only its uploader sees it (to preview
//! the post); once referenced, it is shown while a visible post or any
//! knowledge revision references it, so deleting a post hides its files.

pub mod avatars;
pub mod images;
pub mod kinds;
pub mod lifecycle;
pub mod remote;
pub mod store;
pub mod upload;

use std::collections::HashMap;

use chrono::Duration;
use diesel::prelude::*;
use serde::Serialize;

use crate::authz::{authorize, Action, Viewer};
use crate::communities::{self, Community};
use crate::db::schema::{attachments, post_attachments, posts, revision_attachments};
use crate::db::{now, AnyConnection};
use crate::error::{Error, Result};
use crate::markdown::InlineImage;

/// One attached file.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = attachments)]
pub struct Attachment {
    pub id: i64,
    pub community_id: i64,
    #[serde(skip)]
    pub uploader_id: i64,
    /// The name it was uploaded with.
    pub file_name: String,
    /// Its type, as its bytes showed.
    pub content_type: String,
    pub size_bytes: i64,
    #[serde(skip)]
    pub sha256: String,
    /// Pictures: their size in pixels.
    pub width: Option<i32>,
    pub height: Option<i32>,
    #[serde(skip)]
    pub preview_sha256: Option<String>,
    #[serde(skip)]
    pub preview_type: Option<String>,
    #[serde(skip)]
    pub preview_width: Option<i32>,
    #[serde(skip)]
    pub preview_height: Option<i32>,
    pub created_at: chrono::NaiveDateTime,
}

fn encoded_name(name: &str) -> String {
    percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC).to_string()
}

impl Attachment {
    /// Where it is downloaded (the name is for people; the id decides).
    pub fn url(&self) -> String {
        format!("/files/{}/{}", self.id, encoded_name(&self.file_name))
    }

    /// Where its preview is, for pictures large enough to have one.
    pub fn preview_url(&self) -> String {
        match self.preview_sha256 {
            Some(_) => format!("/files/{}/preview/{}", self.id, encoded_name(&self.file_name)),
            None => self.url(),
        }
    }

    /// A raster picture that pages show inline.
    pub fn is_image(&self) -> bool {
        self.width.is_some()
    }

    /// How a post's Markdown references it.
    pub fn markdown(&self) -> String {
        let label = self.file_name.replace(['[', ']', '\\'], "");
        if self.is_image() {
            format!("![{label}]({})", self.url())
        } else {
            format!("[{label}]({})", self.url())
        }
    }

    /// A short word for its kind, for the icon beside a download.
    pub fn kind_word(&self) -> &'static str {
        let t = self.content_type.as_str();
        match () {
            _ if t.starts_with("image/") => "image",
            _ if t == "application/pdf" => "pdf",
            _ if t.contains("word") || t.contains("opendocument.text") => "document",
            _ if t.contains("sheet") || t.starts_with("text/csv") || t.contains("excel") => "spreadsheet",
            _ if t.contains("presentation") || t.contains("powerpoint") => "presentation",
            _ if t.starts_with("text/") => "text",
            _ if t.contains("zip") => "archive",
            _ => "file",
        }
    }
}

/// A file as a post or knowledge item lists it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttachmentView {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// Where it is downloaded.
    pub url: String,
    /// A picture shown in the text (the rest are listed for download).
    pub is_image: bool,
    /// `image`, `pdf`, `document`, `spreadsheet`, `presentation`, `text`,
    /// `archive` or `file`: which icon to show.
    pub kind: &'static str,
}

impl From<Attachment> for AttachmentView {
    fn from(a: Attachment) -> Self {
        AttachmentView {
            url: a.url(),
            is_image: a.is_image(),
            kind: a.kind_word(),
            id: a.id,
            file_name: a.file_name,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
        }
    }
}

/// A file, checked and kept in the store, ready to record.
pub struct Stored {
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    /// The preview's SHA-256, type and size.
    pub preview: Option<(String, String, i32, i32)>,
}

/// The community `viewer` may attach files in.
pub fn attachable_community(conn: &mut AnyConnection, viewer: Viewer, slug: &str) -> Result<Community> {
    let (community, standing) = communities::readable(conn, viewer, slug)?;
    authorize(viewer, standing, Action::AttachFile)?;
    Ok(community)
}

/// Whether `size` more bytes fit in the account's allowance for 24 hours.
pub fn check_quota(conn: &mut AnyConnection, user_id: i64, size: u64, quota: u64) -> Result<()> {
    // Summed here: SUM of a BIGINT is NUMERIC on PostgreSQL and an integer
    // on SQLite, and one account's day of uploads is a short list.
    let sizes: Vec<i64> = attachments::table
        .filter(attachments::uploader_id.eq(user_id))
        .filter(attachments::created_at.gt(now() - Duration::hours(24)))
        .select(attachments::size_bytes)
        .load(conn)?;
    let used: u64 = sizes.iter().map(|s| *s as u64).sum();
    if used + size > quota {
        return Err(Error::UploadQuotaExceeded { limit_mb: (quota / (1024 * 1024)) as i64 });
    }
    Ok(())
}

/// Records an upload whose bytes are in the store.
pub fn record(conn: &mut AnyConnection, viewer: Viewer, community: &Community, file: &Stored) -> Result<Attachment> {
    let uploader_id = viewer.user_id.ok_or(Error::Unauthenticated)?;
    let (preview_sha, preview_type, preview_width, preview_height) = match &file.preview {
        Some((sha, kind, w, h)) => (Some(sha.clone()), Some(kind.clone()), Some(*w), Some(*h)),
        None => (None, None, None, None),
    };
    Ok(diesel::insert_into(attachments::table)
        .values((
            attachments::community_id.eq(community.id),
            attachments::uploader_id.eq(uploader_id),
            attachments::file_name.eq(&file.file_name),
            attachments::content_type.eq(&file.content_type),
            attachments::size_bytes.eq(file.size_bytes),
            attachments::sha256.eq(&file.sha256),
            attachments::width.eq(file.width),
            attachments::height.eq(file.height),
            attachments::preview_sha256.eq(preview_sha),
            attachments::preview_type.eq(preview_type),
            attachments::preview_width.eq(preview_width),
            attachments::preview_height.eq(preview_height),
            attachments::created_at.eq(now()),
        ))
        .returning(attachments::all_columns)
        .get_result(conn)?)
}

/// The attachment `id`, if `viewer` may fetch it; else not found, whether
/// it exists or not (a private community's files are not told apart from
/// none, by id or by content).
pub fn readable(conn: &mut AnyConnection, viewer: Viewer, id: i64) -> Result<(Attachment, Community)> {
    let attachment: Attachment =
        attachments::table.find(id).select(Attachment::as_select()).first(conn).optional()?.ok_or(Error::NotFound)?;
    let community = communities::by_id(conn, attachment.community_id)?;
    let (community, _) = communities::readable(conn, viewer, &community.slug)?;
    if viewer.user_id == Some(attachment.uploader_id) || viewer.is_admin {
        return Ok((attachment, community));
    }
    let in_visible_post = diesel::dsl::select(diesel::dsl::exists(
        post_attachments::table
            .inner_join(posts::table)
            .filter(post_attachments::attachment_id.eq(id))
            .filter(posts::is_deleted.eq(false))
            .filter(posts::hidden_at.is_null()),
    ))
    .get_result::<bool>(conn)?;
    let in_revision = in_visible_post
        || diesel::dsl::select(diesel::dsl::exists(
            revision_attachments::table.filter(revision_attachments::attachment_id.eq(id)),
        ))
        .get_result::<bool>(conn)?;
    if !in_revision {
        return Err(Error::NotFound);
    }
    Ok((attachment, community))
}

/// The attachments of `community` that `markdown` references.
fn referenced(conn: &mut AnyConnection, community_id: i64, markdowns: &[&str]) -> Result<Vec<Attachment>> {
    let mut ids: Vec<i64> = Vec::new();
    for markdown in markdowns {
        let mut rest = *markdown;
        while let Some(at) = rest.find("/files/") {
            if let Some(id) = crate::markdown::attachment_id(&rest[at..]) {
                ids.push(id);
            }
            rest = &rest[at + "/files/".len()..];
        }
    }
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(attachments::table
        .filter(attachments::id.eq_any(&ids))
        .filter(attachments::community_id.eq(community_id))
        .select(Attachment::as_select())
        .load(conn)?)
}

/// The pictures `markdown` shows, for [`crate::markdown::render_with_images`].
pub fn inline_images(
    conn: &mut AnyConnection,
    community_id: i64,
    markdowns: &[&str],
) -> Result<HashMap<i64, InlineImage>> {
    Ok(referenced(conn, community_id, markdowns)?
        .into_iter()
        .filter(Attachment::is_image)
        .map(|a| {
            let (width, height) = match (a.preview_width, a.preview_height) {
                (Some(w), Some(h)) => (w, h),
                _ => (a.width.unwrap_or_default(), a.height.unwrap_or_default()),
            };
            (a.id, InlineImage { src: a.preview_url(), full: a.url(), width, height })
        })
        .collect())
}

/// Keeps `post_attachments` in step with a post's text (inside the
/// transaction that writes the post).
pub fn link_post(conn: &mut AnyConnection, post_id: i64, community_id: i64, markdown: &str) -> Result<()> {
    let found = referenced(conn, community_id, &[markdown])?;
    diesel::delete(post_attachments::table.filter(post_attachments::post_id.eq(post_id))).execute(conn)?;
    for a in &found {
        diesel::insert_into(post_attachments::table)
            .values((post_attachments::post_id.eq(post_id), post_attachments::attachment_id.eq(a.id)))
            .execute(conn)?;
    }
    Ok(())
}

/// Renders a post's or revision's Markdown with its community's pictures.
pub fn render(conn: &mut AnyConnection, community_id: i64, markdown: &str) -> Result<String> {
    render_post(conn, community_id, markdown, &HashMap::new())
}

/// [`render`], with the `@name`s of `mentions` (see `mentions::links`)
/// linked to profiles.
pub fn render_post(
    conn: &mut AnyConnection,
    community_id: i64,
    markdown: &str,
    mentions: &HashMap<String, String>,
) -> Result<String> {
    let images = inline_images(conn, community_id, &[markdown])?;
    Ok(crate::markdown::render_post(markdown, &images, mentions))
}

/// Records the attachments a knowledge revision cites (revisions never change).
pub fn link_revision(conn: &mut AnyConnection, revision_id: i64, community_id: i64, markdowns: &[&str]) -> Result<()> {
    for a in referenced(conn, community_id, markdowns)? {
        diesel::insert_into(revision_attachments::table)
            .values((revision_attachments::revision_id.eq(revision_id), revision_attachments::attachment_id.eq(a.id)))
            .execute(conn)?;
    }
    Ok(())
}

/// The files each post references, for the download list under it.
pub fn for_posts(conn: &mut AnyConnection, post_ids: &[i64]) -> Result<HashMap<i64, Vec<AttachmentView>>> {
    let rows: Vec<(i64, Attachment)> = post_attachments::table
        .inner_join(attachments::table)
        .filter(post_attachments::post_id.eq_any(post_ids))
        .order(attachments::id)
        .select((post_attachments::post_id, Attachment::as_select()))
        .load(conn)?;
    let mut by_post: HashMap<i64, Vec<AttachmentView>> = HashMap::new();
    for (post_id, a) in rows {
        by_post.entry(post_id).or_default().push(a.into());
    }
    Ok(by_post)
}

/// Files per community, for admins: how many, and how much space.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CommunityUsage {
    pub slug: String,
    pub name: String,
    pub files: i64,
    pub size_bytes: i64,
}

/// Every community's uploads, largest first (admins only).
pub fn usage_by_community(conn: &mut AnyConnection, viewer: Viewer) -> Result<Vec<CommunityUsage>> {
    if !viewer.is_admin {
        return Err(if viewer.user_id.is_some() { Error::Forbidden } else { Error::Unauthenticated });
    }
    use crate::db::schema::communities;
    // Summed here, as in `check_quota`: one row per upload is a short list
    // next to the posts themselves.
    let rows: Vec<(String, String, i64)> = attachments::table
        .inner_join(communities::table)
        .select((communities::slug, communities::name, attachments::size_bytes))
        .load(conn)?;
    let mut usage: Vec<CommunityUsage> = Vec::new();
    for (slug, name, size) in rows {
        match usage.iter_mut().find(|u| u.slug == slug) {
            Some(u) => {
                u.files += 1;
                u.size_bytes += size;
            }
            None => usage.push(CommunityUsage { slug, name, files: 1, size_bytes: size }),
        }
    }
    usage.sort_by(|a, b| b.size_bytes.cmp(&a.size_bytes).then(a.slug.cmp(&b.slug)));
    Ok(usage)
}

/// The files each thread's opening post references, by thread.
pub fn for_opening_posts(conn: &mut AnyConnection, thread_ids: &[i64]) -> Result<HashMap<i64, Vec<AttachmentView>>> {
    let rows: Vec<(i64, Attachment)> = post_attachments::table
        .inner_join(attachments::table)
        .inner_join(posts::table)
        .filter(posts::thread_id.eq_any(thread_ids))
        .filter(posts::parent_id.is_null())
        .filter(posts::is_deleted.eq(false))
        .filter(posts::hidden_at.is_null())
        .order(attachments::id)
        .select((posts::thread_id, Attachment::as_select()))
        .load(conn)?;
    let mut by_thread: HashMap<i64, Vec<AttachmentView>> = HashMap::new();
    for (thread_id, a) in rows {
        by_thread.entry(thread_id).or_default().push(a.into());
    }
    Ok(by_thread)
}

/// A file as mail mentions it: its name, size and where to get it (mail
/// never carries the file itself).
#[derive(Debug, Clone, Serialize)]
pub struct Mention {
    pub name: String,
    pub size: String,
    pub url: String,
}

/// "1.2 MB", "340 KB", "12 B".
pub fn human_size(bytes: i64) -> String {
    let b = bytes as f64;
    match b {
        b if b >= 1024.0 * 1024.0 => format!("{:.1} MB", b / (1024.0 * 1024.0)),
        b if b >= 1024.0 => format!("{:.0} KB", b / 1024.0),
        b => format!("{b:.0} B"),
    }
}

impl AttachmentView {
    pub fn mention(&self, base_url: &str) -> Mention {
        Mention {
            name: self.file_name.clone(),
            size: human_size(self.size_bytes),
            url: format!("{base_url}{}", self.url),
        }
    }
}

/// The files a knowledge revision cites.
pub fn for_revision(conn: &mut AnyConnection, revision_id: i64) -> Result<Vec<AttachmentView>> {
    Ok(revision_attachments::table
        .inner_join(attachments::table)
        .filter(revision_attachments::revision_id.eq(revision_id))
        .order(attachments::id)
        .select(Attachment::as_select())
        .load(conn)?
        .into_iter()
        .map(AttachmentView::from)
        .collect())
}
