//! Uploads: a file the adapter has streamed to a temporary path (hashing and counting it on
//! the way) becomes an asset. Its type is read from its bytes; the client's word is ignored.

use super::{image, Asset, StoredFile};
use crate::content::{request_digest, require_writer, Created};
use crate::inputs::AssetInput;
use crate::{Caller, Code, Error, Result, Service};
use std::path::PathBuf;

/// A received file, not yet an asset.
#[derive(Debug)]
pub struct Upload {
    pub path: PathBuf,
    /// As the client named it.
    pub filename: String,
    pub size: u64,
    /// Lower-case hex.
    pub sha256: String,
}

/// The types Lectern accepts, each with the extension its files are served under.
const ALLOWED: &[(&str, &str)] = &[
    ("image/jpeg", "jpg"),
    ("image/png", "png"),
    ("image/webp", "webp"),
    ("image/avif", "avif"),
    ("image/gif", "gif"),
    ("application/pdf", "pdf"),
];

/// The key of an original in object storage.
pub(crate) fn original_key(sha256: &str) -> String {
    format!("originals/{sha256}")
}

/// A file name safe in a URL path: a name with a separator or a `..` in it is refused (it
/// tries to name a place, not a file); other unusual characters become `-`.
pub fn sanitize_filename(raw: &str) -> Result<String> {
    let refuse = |why: &str| Err(Error::field("file", format!("the file name {why}")));
    if raw.contains(['/', '\\']) || raw.contains("..") || raw.chars().any(char::is_control) {
        return refuse("must not contain a path");
    }
    let mut out = String::new();
    for c in raw.trim().chars() {
        let keep = c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
        let c = if keep { c.to_ascii_lowercase() } else { '-' };
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    let out = out.trim_matches(|c| c == '-' || c == '.').to_owned();
    if out.is_empty() {
        return refuse("must have at least one letter or digit");
    }
    Ok(out.chars().take(100).collect())
}

/// The name under the extension of the type the bytes are.
fn with_extension(name: &str, ext: &str) -> String {
    let stem = match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => name,
    };
    format!("{stem}.{ext}")
}

impl Service {
    /// Whether the caller may upload at all: asked before the body is read, so a refused
    /// upload costs nothing.
    pub fn may_upload(&self, caller: &Caller) -> Result<u64> {
        require_writer::<Asset>(caller)?;
        self.blobs()?;
        Ok(self.config().assets.max_upload_bytes)
    }

    /// Makes an asset of a received file. A retry with the same Idempotency-Key answers as the
    /// first did; the same bytes uploaded twice are stored once.
    pub async fn upload_asset(
        &self,
        caller: &Caller,
        upload: Upload,
        mut input: AssetInput,
        key: Option<&str>,
    ) -> Result<Created> {
        let limit = self.may_upload(caller)?;
        if upload.size > limit {
            return Err(Error::bad_request(
                Code::PayloadTooLarge,
                format!("the file is over the {limit}-byte limit"),
            ));
        }
        let name = sanitize_filename(&upload.filename)?;
        let path = upload.path.clone();
        let sniffed = tokio::task::spawn_blocking(move || infer::get_from_path(path))
            .await
            .map_err(Error::internal)?
            .map_err(Error::internal)?;
        let mime = sniffed.map(|t| t.mime_type()).unwrap_or("");
        let Some((mime, ext)) = ALLOWED.iter().find(|(m, _)| *m == mime) else {
            return Err(Error::bad_request(
                Code::UnsupportedFileType,
                "the file is not a JPEG, PNG, WebP, AVIF, GIF or PDF (read from its bytes)",
            ));
        };
        let max = self.config().assets.max_pixels;
        let facts = match image::Raster::of(mime) {
            Some(_) => Some(image::inspect(upload.path.clone(), max).await?),
            None => None,
        };
        let blobs = self.blobs()?;
        let stored = original_key(&upload.sha256);
        if blobs.size(&stored).await?.is_none() {
            blobs.put_file(&stored, &upload.path).await?;
        }
        let filename = with_extension(&name, ext);
        if input.title.is_none() {
            let stem = filename.rsplit_once('.').map_or(&*filename, |(s, _)| s);
            input.title = Some(Some(stem.to_owned()));
        }
        let digest = request_digest(format!("{}:{input:?}", upload.sha256).as_bytes());
        input.file = Some(StoredFile {
            filename,
            content_type: (*mime).to_owned(),
            size_bytes: upload.size as i64,
            sha256: upload.sha256,
            width: facts.as_ref().map(|f| f.width as i32),
            height: facts.as_ref().map(|f| f.height as i32),
            placeholder: facts.map(|f| f.placeholder),
        });
        self.create_once::<Asset>(caller, input, key, &digest).await
    }
}

impl Service {
    /// An upload of bytes already in memory (demo content, imports).
    pub async fn upload_asset_bytes(
        &self,
        caller: &Caller,
        filename: &str,
        bytes: &[u8],
        input: AssetInput,
    ) -> Result<Created> {
        use sha2::Digest;
        let path = std::env::temp_dir().join(format!("lectern-upload-{}", uuid::Uuid::now_v7()));
        tokio::fs::write(&path, bytes)
            .await
            .map_err(Error::internal)?;
        let upload = Upload {
            path: path.clone(),
            filename: filename.to_owned(),
            size: bytes.len() as u64,
            sha256: hex::encode(sha2::Sha256::digest(bytes)),
        };
        let created = self.upload_asset(caller, upload, input, None).await;
        let _ = tokio::fs::remove_file(&path).await;
        created
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_that_name_a_place_are_refused() {
        for bad in [
            "../../etc/passwd",
            "a/b.jpg",
            "..",
            "x\\y.png",
            "a\u{0}.jpg",
            "---",
        ] {
            assert!(sanitize_filename(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            sanitize_filename("My Photo (1).JPG").unwrap(),
            "my-photo-1-.jpg"
        );
        assert_eq!(with_extension("shot.png", "jpg"), "shot.jpg");
        assert_eq!(with_extension("noext", "pdf"), "noext.pdf");
    }
}
