//! Object storage for asset bytes: a local folder by default, any S3-compatible store when
//! several instances share the files. Keys are content hashes, so a file is stored once and a
//! key never changes meaning.

use crate::{Result, StorageError};
use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use object_store::path::Path as Key;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};
use std::ops::Range;
use std::sync::Arc;

/// Where an S3-compatible store is and how to sign in to it.
#[derive(Debug, Clone, Default)]
pub struct S3Options {
    pub endpoint: Option<String>,
    pub bucket: String,
    pub region: String,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Blobs {
    store: Arc<dyn ObjectStore>,
}

/// An object being read: its whole size and the bytes of the requested range.
pub struct Blob {
    pub size: u64,
    pub range: Range<u64>,
    pub bytes: BoxStream<'static, Result<Bytes>>,
}

fn local_stream(
    file: std::fs::File,
    range: &Range<u64>,
) -> Result<BoxStream<'static, Result<Bytes>>> {
    use std::io::{Seek, SeekFrom};
    use tokio::io::AsyncReadExt;
    let mut file = file;
    file.seek(SeekFrom::Start(range.start))
        .map_err(StorageError::unavailable)?;
    let reader = tokio::fs::File::from_std(file).take(range.end - range.start);
    let stream = tokio_util::io::ReaderStream::with_capacity(reader, 256 * 1024);
    Ok(stream.map(|r| r.map_err(StorageError::unavailable)).boxed())
}

fn failed(e: object_store::Error) -> StorageError {
    StorageError::unavailable(e)
}

impl Blobs {
    /// A folder on this machine, created if missing.
    pub fn local(dir: &std::path::Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(StorageError::unavailable)?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(dir).map_err(failed)?;
        Ok(Self {
            store: Arc::new(store.with_automatic_cleanup(true)),
        })
    }

    pub fn s3(o: &S3Options) -> Result<Self> {
        let mut b = object_store::aws::AmazonS3Builder::new()
            .with_bucket_name(&o.bucket)
            .with_region(&o.region);
        if let Some(endpoint) = &o.endpoint {
            b = b
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false);
        }
        if let (Some(id), Some(secret)) = (&o.access_key_id, &o.secret_access_key) {
            b = b.with_access_key_id(id).with_secret_access_key(secret);
        }
        Ok(Self {
            store: Arc::new(b.build().map_err(failed)?),
        })
    }

    /// Stores a file from disk in parts, never holding it whole in memory.
    pub async fn put_file(&self, key: &str, file: &std::path::Path) -> Result<()> {
        use tokio::io::AsyncReadExt;
        let upload = self
            .store
            .put_multipart(&Key::from(key))
            .await
            .map_err(failed)?;
        let mut writer = WriteMultipart::new(upload);
        let mut f = tokio::fs::File::open(file)
            .await
            .map_err(StorageError::unavailable)?;
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = f.read(&mut buf).await.map_err(StorageError::unavailable)?;
            if n == 0 {
                break;
            }
            writer.wait_for_capacity(4).await.map_err(failed)?;
            writer.write(&buf[..n]);
        }
        writer.finish().await.map_err(failed)?;
        Ok(())
    }

    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<()> {
        let payload = PutPayload::from(bytes);
        self.store
            .put(&Key::from(key), payload)
            .await
            .map_err(failed)?;
        Ok(())
    }

    /// The object's size, or None when there is no such object.
    pub async fn size(&self, key: &str) -> Result<Option<u64>> {
        match self.store.head(&Key::from(key)).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(failed(e)),
        }
    }

    /// Reads an object, or a range of it; None when there is no such object.
    pub async fn get(&self, key: &str, range: Option<Range<u64>>) -> Result<Option<Blob>> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..Default::default()
        };
        match self.store.get_opts(&Key::from(key), options).await {
            Ok(got) => {
                let (size, range) = (got.meta.size, got.range.clone());
                let bytes = match got.payload {
                    // A local file is read in large chunks: the store's own stream reads 8 KiB
                    // at a time, each on the blocking pool.
                    object_store::GetResultPayload::File(file, _) => local_stream(file, &range)?,
                    payload => object_store::GetResult {
                        payload,
                        meta: got.meta,
                        range: range.clone(),
                        attributes: got.attributes,
                    }
                    .into_stream()
                    .map(|r| r.map_err(failed))
                    .boxed(),
                };
                Ok(Some(Blob { size, range, bytes }))
            }
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(failed(e)),
        }
    }

    /// The whole object in memory: for derivatives, which are small.
    pub async fn read(&self, key: &str) -> Result<Option<Vec<u8>>> {
        match self.store.get(&Key::from(key)).await {
            Ok(got) => Ok(Some(got.bytes().await.map_err(failed)?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(failed(e)),
        }
    }

    pub async fn delete(&self, key: &str) -> Result<()> {
        match self.store.delete(&Key::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(failed(e)),
        }
    }
}
