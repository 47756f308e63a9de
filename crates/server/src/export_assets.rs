//! The files an export's items show (covers, logos, published assets), copied into the site
//! so it serves them itself: `/assets/<id>/<name>` as the original, and each preset width of
//! an image as `/assets/<id>/<stem>-<w>w.<ext>`, the `srcset` rewritten to match. The bytes
//! come through the same check as any anonymous request, so an embargoed file never lands in
//! a site. A file already in the folder is not fetched again: an asset's file never changes.

use crate::BoxResult;
use lectern_service::assets::{Body, Transform};
use lectern_service::{Caller, Service};
use serde_json::Value;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The files of one export, and where they go.
pub struct Files {
    dir: PathBuf,
    done: HashSet<String>,
    pub copied: u64,
}

/// The static name of a width of `/assets/<id>/<name>`.
fn sized(url: &str, width: u32) -> String {
    match url.rsplit_once('.') {
        Some((stem, ext)) if !stem.ends_with('/') => format!("{stem}-{width}w.{ext}"),
        _ => format!("{url}-{width}w"),
    }
}

/// `/assets/<id>/<name>?width=400 400w, ...` as the static names.
fn static_srcset(srcset: &str) -> (String, Vec<(String, u32)>) {
    let mut wanted = vec![];
    let parts: Vec<String> = srcset
        .split(", ")
        .filter_map(|part| {
            let (url, w) = part.split_once(' ')?;
            let (base, query) = url.split_once("?width=")?;
            let width: u32 = query.parse().ok()?;
            wanted.push((base.to_owned(), width));
            Some(format!("{} {w}", sized(base, width)))
        })
        .collect();
    (parts.join(", "), wanted)
}

impl Files {
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            done: HashSet::new(),
            copied: 0,
        }
    }

    /// Rewrites the item's `srcset`s to static names and copies every file it shows.
    pub async fn take(&mut self, service: &Service, item: &mut Value) -> BoxResult<()> {
        let mut wanted: Vec<(String, Option<u32>)> = vec![];
        collect(item, &mut wanted);
        for (url, width) in wanted {
            self.copy(service, &url, width).await?;
        }
        Ok(())
    }

    async fn copy(&mut self, service: &Service, url: &str, width: Option<u32>) -> BoxResult<()> {
        let target = match width {
            Some(w) => sized(url, w),
            None => url.to_owned(),
        };
        if !self.done.insert(target.clone()) {
            return Ok(());
        }
        let path = self.dir.join(target.trim_start_matches('/'));
        if path.exists() {
            return Ok(());
        }
        let mut parts = url.trim_start_matches("/assets/").splitn(2, '/');
        let (Some(id), Some(name)) = (parts.next(), parts.next()) else {
            return Ok(());
        };
        let t = Transform {
            width,
            ..Default::default()
        };
        let got = match service
            .asset_bytes(&Caller::Anonymous, id, name, &t, None)
            .await
        {
            Ok(got) => got,
            // Not public (or gone): the site simply does not get it.
            Err(lectern_service::Error::NotFound(_)) => return Ok(()),
            Err(lectern_service::Error::Internal(why)) => {
                return Err(format!("{url}: {why}").into())
            }
            Err(e) => return Err(e.into()),
        };
        let bytes = match got.body {
            Body::Whole(bytes) => bytes,
            Body::Stream(blob) => {
                use futures_util::TryStreamExt;
                let chunks: Vec<_> = blob.bytes.try_collect().await?;
                chunks.concat()
            }
        };
        write(&path, &bytes)?;
        self.copied += 1;
        Ok(())
    }
}

fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let tmp = path.with_extension("partial");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(tmp, path)
}

/// Every asset URL in an item (objects with a `/assets/` `url`), with the widths of their
/// `srcset`, which is rewritten to the static names on the way.
fn collect(value: &mut Value, out: &mut Vec<(String, Option<u32>)>) {
    match value {
        Value::Object(map) => {
            if let Some(url) = map.get("url").and_then(Value::as_str) {
                if url.starts_with("/assets/") {
                    out.push((url.to_owned(), None));
                }
            }
            if let Some(srcset) = map.get("srcset").and_then(Value::as_str) {
                let (rewritten, widths) = static_srcset(srcset);
                out.extend(widths.into_iter().map(|(u, w)| (u, Some(w))));
                map.insert("srcset".into(), Value::String(rewritten));
            }
            for v in map.values_mut() {
                if v.is_object() || v.is_array() {
                    collect(v, out);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| collect(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srcsets_become_static_names() {
        let (s, w) =
            static_srcset("/assets/1/a.jpg?width=400 400w, /assets/1/a.jpg?width=800 800w");
        assert_eq!(s, "/assets/1/a-400w.jpg 400w, /assets/1/a-800w.jpg 800w");
        assert_eq!(
            w,
            vec![
                ("/assets/1/a.jpg".to_owned(), 400),
                ("/assets/1/a.jpg".to_owned(), 800)
            ]
        );
    }
}
