//! Where the bytes of attached files live: a directory under the data
//! directory, or an S3-compatible object store that every instance shares.
//! Both through `object_store`, so one code path serves both. Objects are
//! named by the SHA-256 of their bytes: a file uploaded twice is stored
//! once, and an object never changes once written.

use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};
use tokio::io::AsyncReadExt;

use crate::config::FileSettings;
use crate::error::{Error, Result};

/// Bytes read from a file per write to the store: what an upload holds in
/// memory at a time, whatever the file's size.
const CHUNK: usize = 1024 * 1024;

#[derive(Clone)]
pub struct Store {
    inner: Arc<dyn ObjectStore>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({})", self.inner)
    }
}

fn unavailable(e: object_store::Error) -> Error {
    match e {
        object_store::Error::NotFound { .. } => Error::NotFound,
        other => Error::StorageUnavailable(format!("the file store: {other}")),
    }
}

/// An object's name for a blob's SHA-256 (hex): `blobs/ab/abcdef…`.
pub fn blob_key(sha256: &str) -> ObjectPath {
    ObjectPath::from(format!("blobs/{}/{sha256}", &sha256[..2.min(sha256.len())]))
}

impl Store {
    /// The store the settings name: `s3://bucket/prefix`, or the data
    /// directory's `files/`.
    pub fn open(settings: &FileSettings, data_dir: &Path) -> Result<Store> {
        let inner: Arc<dyn ObjectStore> = match settings.storage_url.as_deref() {
            None => {
                let dir = data_dir.join("files");
                std::fs::create_dir_all(&dir)
                    .map_err(|e| Error::setup(format!("cannot create {}: {e}", dir.display())))?;
                Arc::new(
                    LocalFileSystem::new_with_prefix(&dir)
                        .map_err(|e| Error::setup(format!("cannot use {} for files: {e}", dir.display())))?,
                )
            }
            Some(url) => {
                let rest = url.strip_prefix("s3://").ok_or_else(|| {
                    Error::setup(format!("SALA_STORAGE_URL must look like s3://bucket/prefix, not {url}"))
                })?;
                let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
                if bucket.is_empty() {
                    return Err(Error::setup("SALA_STORAGE_URL names no bucket (s3://bucket/prefix)"));
                }
                let mut builder =
                    AmazonS3Builder::new().with_bucket_name(bucket).with_region(settings.s3_region.clone());
                if let Some(endpoint) = &settings.s3_endpoint {
                    builder = builder
                        .with_endpoint(endpoint.clone())
                        .with_allow_http(endpoint.starts_with("http://"))
                        // MinIO, Ceph and most other stores name buckets in the path.
                        .with_virtual_hosted_style_request(false);
                }
                if let (Some(key), Some(secret)) = (&settings.s3_access_key, &settings.s3_secret_key) {
                    builder = builder.with_access_key_id(key.clone()).with_secret_access_key(secret.clone());
                }
                let s3 = builder.build().map_err(|e| Error::setup(format!("SALA_STORAGE_URL: {e}")))?;
                let prefix = prefix.trim_matches('/');
                if prefix.is_empty() {
                    Arc::new(s3)
                } else {
                    Arc::new(PrefixStore::new(s3, prefix))
                }
            }
        };
        Ok(Store { inner })
    }

    pub async fn exists(&self, key: &ObjectPath) -> Result<bool> {
        match self.inner.head(key).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// Writes a local file's bytes under `key`, a chunk at a time (a
    /// multipart upload on S3); a key already there is left as it is.
    pub async fn put_file(&self, key: &ObjectPath, file: &Path) -> Result<()> {
        if self.exists(key).await? {
            return Ok(());
        }
        let mut source = tokio::fs::File::open(file)
            .await
            .map_err(|e| Error::StorageUnavailable(format!("cannot read an upload: {e}")))?;
        let upload = self.inner.put_multipart(key).await.map_err(unavailable)?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, 5 * CHUNK);
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = match source.read(&mut buf).await {
                Ok(n) => n,
                Err(e) => {
                    let _ = writer.abort().await;
                    return Err(Error::StorageUnavailable(format!("cannot read an upload: {e}")));
                }
            };
            if n == 0 {
                break;
            }
            if let Err(e) = writer.wait_for_capacity(2).await {
                return Err(unavailable(e));
            }
            writer.write(&buf[..n]);
        }
        writer.finish().await.map_err(unavailable)?;
        Ok(())
    }

    /// Writes small bytes (a preview) under `key`.
    pub async fn put_bytes(&self, key: &ObjectPath, bytes: Vec<u8>) -> Result<()> {
        if self.exists(key).await? {
            return Ok(());
        }
        self.inner.put(key, bytes.into()).await.map_err(unavailable)?;
        Ok(())
    }

    /// An object's bytes, as a stream.
    pub async fn get(&self, key: &ObjectPath) -> Result<BoxStream<'static, Result<Bytes>>> {
        let found = self.inner.get(key).await.map_err(unavailable)?;
        Ok(found.into_stream().map_err(unavailable).boxed())
    }

    pub async fn delete(&self, key: &ObjectPath) -> Result<()> {
        match self.inner.delete(key).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// Every blob in the store: its SHA-256 and when it was written.
    pub async fn blobs(&self) -> Result<Vec<(String, chrono::DateTime<chrono::Utc>)>> {
        let prefix = ObjectPath::from("blobs");
        self.inner
            .list(Some(&prefix))
            .map_err(unavailable)
            .map_ok(|meta| (meta.location.filename().unwrap_or_default().to_owned(), meta.last_modified))
            .try_collect()
            .await
    }
}
