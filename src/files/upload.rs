//! Taking an upload in: the web layer has streamed the bytes into a
//! temporary file (never whole in memory) and counted them; here they are
//! checked, made safe, put in the store and recorded. Any refusal or
//! failure drops the temporary file, so nothing half-written stays.

use sha2::{Digest, Sha256};
use tempfile::TempPath;
use tokio::io::AsyncWriteExt;

use super::kinds::{self, Kind};
use super::store::{blob_key, Store};
use super::{images, Attachment, Stored};
use crate::authz::Viewer;
use crate::config::FileSettings;
use crate::db::Db;
use crate::error::{Context, Error, Result};

/// A file as received: in a temporary file, with its SHA-256 and size.
pub struct Incoming {
    pub path: TempPath,
    pub file_name: String,
    pub size: u64,
    pub sha256: String,
}

/// Bytes arriving in chunks, written to a temporary file under `dir` as
/// they come, hashed and counted; past `limit` they are counted only.
pub struct Spool {
    out: tokio::fs::File,
    path: TempPath,
    hash: Sha256,
    size: u64,
    limit: u64,
}

impl Spool {
    pub async fn new(dir: &std::path::Path, limit: u64) -> Result<Spool> {
        tokio::fs::create_dir_all(dir).await.context("cannot create the upload directory")?;
        let (file, path) = tempfile::NamedTempFile::new_in(dir).context("cannot make an upload file")?.into_parts();
        Ok(Spool { out: tokio::fs::File::from_std(file), path, hash: Sha256::new(), size: 0, limit })
    }

    pub async fn write(&mut self, chunk: &[u8]) -> Result<()> {
        self.size += chunk.len() as u64;
        if self.size <= self.limit {
            self.hash.update(chunk);
            self.out.write_all(chunk).await.context("cannot write an upload")?;
        }
        Ok(())
    }

    pub fn over_limit(&self) -> bool {
        self.size > self.limit
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The file, named `file_name`; `FileTooLarge` past the limit (the
    /// temporary file is gone then).
    pub async fn finish(mut self, file_name: String) -> Result<Incoming> {
        if self.over_limit() {
            return Err(Error::FileTooLarge { limit_mb: (self.limit / (1024 * 1024)) as i64 });
        }
        self.out.flush().await.context("cannot write an upload")?;
        Ok(Incoming { path: self.path, file_name, size: self.size, sha256: hex::encode(self.hash.finalize()) })
    }
}

/// The name to keep: its last path part (some browsers send a path),
/// without control characters, ending in the real kind's extension.
pub fn clean_name(raw: &str, kind: &Kind) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let kept: String = last.chars().filter(|c| !c.is_control()).take(200).collect();
    let name = match kept.trim().trim_start_matches('.') {
        "" => "file",
        name => name,
    };
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_lowercase()).unwrap_or_default();
    if ext == kind.extension || (ext == "jpeg" && kind.extension == "jpg") {
        name.to_owned()
    } else {
        format!("{name}.{}", kind.extension)
    }
}

/// What the file at `path` really is (from its first bytes), if allowed.
pub fn identify(path: &std::path::Path, name: &str, allowed: &[String]) -> Result<Kind> {
    use std::io::Read;
    let mut head = Vec::with_capacity(kinds::HEAD_BYTES);
    std::fs::File::open(path)
        .and_then(|f| f.take(kinds::HEAD_BYTES as u64).read_to_end(&mut head))
        .context("cannot read an upload")?;
    kinds::identify(&head, name, allowed)
}

/// Checks, processes, stores and records an upload to `community_slug`.
pub async fn keep(
    db: &Db,
    store: &Store,
    settings: &FileSettings,
    viewer: Viewer,
    community_slug: &str,
    incoming: Incoming,
) -> Result<Attachment> {
    let user_id = viewer.user_id.ok_or(Error::Unauthenticated)?;
    let (slug, size, quota) = (community_slug.to_owned(), incoming.size, settings.daily_quota_bytes);
    let community = db
        .run(move |conn| {
            let community = super::attachable_community(conn, viewer, &slug)?;
            super::check_quota(conn, user_id, size, quota)?;
            Ok(community)
        })
        .await?;
    if incoming.size == 0 {
        return Err(Error::invalid("file", "error-file-empty"));
    }
    let allowed = settings.allowed_types.clone();
    let Incoming { path, file_name, size, sha256 } = incoming;
    // Decoding pictures is CPU work: off the async workers.
    let (path, kind, processed) = actix_web::web::block(move || -> Result<_> {
        let kind = identify(&path, &file_name, &allowed)?;
        let processed = kind.image.map(|image| images::process(&path, image)).transpose()?;
        Ok((path, (kind, file_name), processed))
    })
    .await
    .context("processing an upload")??;
    let (kind, raw_name) = kind;
    let mut stored = Stored {
        file_name: clean_name(&raw_name, &kind),
        content_type: kind.content_type.clone(),
        size_bytes: size as i64,
        sha256,
        width: None,
        height: None,
        preview: None,
    };
    match processed {
        Some(picture) => {
            stored.width = Some(picture.width as i32);
            stored.height = Some(picture.height as i32);
            match picture.stripped {
                Some(copy) => {
                    stored.sha256 = hex::encode(Sha256::digest(&copy.bytes));
                    stored.size_bytes = copy.bytes.len() as i64;
                    stored.content_type = copy.content_type.to_owned();
                    store.put_bytes(&blob_key(&stored.sha256), copy.bytes).await?;
                }
                None => store.put_file(&blob_key(&stored.sha256), &path).await?,
            }
            if let Some(preview) = picture.preview {
                let sha = hex::encode(Sha256::digest(&preview.bytes));
                let (w, h, t) = (preview.width as i32, preview.height as i32, preview.content_type.to_owned());
                store.put_bytes(&blob_key(&sha), preview.bytes).await?;
                stored.preview = Some((sha, t, w, h));
            }
        }
        None => store.put_file(&blob_key(&stored.sha256), &path).await?,
    }
    drop(path);
    db.run(move |conn| super::record(conn, viewer, &community, &stored)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pdf() -> Kind {
        Kind { extension: "pdf".into(), content_type: "application/pdf".into(), image: None }
    }

    #[test]
    fn names_keep_their_words_and_gain_the_real_extension() {
        assert_eq!(clean_name("C:\\fakepath\\แบบฟอร์มขออนุมัติ.pdf", &pdf()), "แบบฟอร์มขออนุมัติ.pdf");
        assert_eq!(clean_name("report", &pdf()), "report.pdf");
        assert_eq!(clean_name("", &pdf()), "file.pdf");
        assert_eq!(clean_name("notes.txt", &pdf()), "notes.txt.pdf");
        assert_eq!(clean_name("../../etc/passwd\u{0}", &pdf()), "passwd.pdf");
    }
}
