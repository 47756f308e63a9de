//! `lectern export`: the published content as files a static site generator builds from.
//!
//! `markdown` lays out `content/articles/<slug>.md` and `content/technologies/<slug>.md` with
//! YAML front matter (Hugo and Eleventy read it as is); `json` writes `articles/<slug>.json`,
//! `technologies/<slug>.json` and `index.json`. Content streams page by page through the sync
//! API, so memory stays flat whatever the size of the site. A full export is written beside
//! the target and swapped in at the end, so a failed run never replaces a good export; an
//! incremental one (`--since`) rewrites only what changed, each file atomically, and removes
//! what was deleted or unpublished.

use crate::BoxResult;
use lectern_service::sync::SyncEntry;
use lectern_service::{Caller, Service};
use serde_json::Value;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Markdown,
}

impl Format {
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw {
            "json" => Ok(Format::Json),
            "markdown" | "md" => Ok(Format::Markdown),
            other => Err(format!("unknown format {other:?}: use json or markdown")),
        }
    }
}

/// What an export did.
#[derive(Debug, Default)]
pub struct Summary {
    pub written: u64,
    pub removed: u64,
    pub next_token: String,
}

const TOKEN_FILE: &str = ".lectern-sync-token";

pub async fn run(
    service: &Service,
    out: &Path,
    format: Format,
    since: Option<&str>,
) -> BoxResult<Summary> {
    let full = since.is_none();
    // A full export is built beside the target and swapped in only when complete.
    let work: PathBuf = if full {
        let name = format!(
            ".{}.partial-{}",
            out.file_name().and_then(|n| n.to_str()).unwrap_or("export"),
            std::process::id()
        );
        let dir = out.parent().unwrap_or(Path::new(".")).join(name);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        dir
    } else {
        if !out.is_dir() {
            return Err(format!("{} is not an earlier export", out.display()).into());
        }
        out.to_path_buf()
    };
    std::fs::create_dir_all(&work)?;
    // Every exported item by id, with the file it is in now, so that a renamed item's old
    // file goes too.
    let mut index = match full {
        false => read_index(&work.join(index_file(format)))?,
        true => Index::new(),
    };
    let tty = std::io::stderr().is_terminal();
    let mut summary = Summary::default();
    let mut token = since.map(str::to_owned);
    loop {
        let page = service
            .sync(&Caller::Anonymous, token.as_deref(), Some(500))
            .await?;
        for entry in &page.items {
            apply(&work, format, entry, &mut index, &mut summary)?;
        }
        if tty {
            eprint!(
                "\r  exported {} items, removed {}",
                summary.written, summary.removed
            );
        }
        token = Some(page.next_sync_token);
        if !page.has_more {
            break;
        }
    }
    if tty {
        eprintln!();
    }
    summary.next_token = token.unwrap_or_default();
    let mut list: Vec<Value> = index.into_values().collect();
    list.sort_by(|a, b| {
        (a["type"].as_str(), a["slug"].as_str()).cmp(&(b["type"].as_str(), b["slug"].as_str()))
    });
    write_atomic(
        &work.join(index_file(format)),
        serde_json::to_string_pretty(&list)?.as_bytes(),
    )?;
    write_atomic(&work.join(TOKEN_FILE), summary.next_token.as_bytes())?;
    if full {
        swap_in(&work, out)?;
    }
    Ok(summary)
}

type Index = std::collections::HashMap<String, Value>;

/// JSON exports publish their index; Markdown ones keep it out of the site's way.
fn index_file(format: Format) -> &'static str {
    match format {
        Format::Json => "index.json",
        Format::Markdown => ".lectern-index.json",
    }
}

fn read_index(path: &Path) -> BoxResult<Index> {
    let list: Vec<Value> = match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => vec![],
        Err(e) => return Err(e.into()),
    };
    Ok(list
        .into_iter()
        .filter_map(|e| Some((e["id"].as_str()?.to_owned(), e)))
        .collect())
}

/// Moves a finished export into place; the previous one is removed only afterwards.
fn swap_in(work: &Path, out: &Path) -> BoxResult<()> {
    if out.exists() {
        let old = out.with_extension(format!("old-{}", std::process::id()));
        std::fs::rename(out, &old)?;
        std::fs::rename(work, out)?;
        std::fs::remove_dir_all(old)?;
    } else {
        std::fs::rename(work, out)?;
    }
    Ok(())
}

fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let tmp = path.with_extension("tmp");
    let mut file = std::fs::File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(tmp, path)
}

fn file_of(format: Format, kind: &str, slug: &str) -> PathBuf {
    let folder = if kind == "article" {
        "articles"
    } else {
        "technologies"
    };
    match format {
        Format::Markdown => Path::new("content").join(folder).join(format!("{slug}.md")),
        Format::Json => Path::new(folder).join(format!("{slug}.json")),
    }
}

fn apply(
    dir: &Path,
    format: Format,
    entry: &SyncEntry,
    index: &mut Index,
    summary: &mut Summary,
) -> BoxResult<()> {
    let kind = entry.entity_type;
    let id = entry.id.to_string();
    // An item may have been renamed: the file under its old slug goes.
    if let Some(old) = index.remove(&id) {
        if let Some(slug) = old["slug"].as_str().filter(|s| *s != entry.slug) {
            remove(dir, &file_of(format, kind, slug))?;
        }
    }
    let path = file_of(format, kind, &entry.slug);
    match &entry.item {
        Some(item) if entry.op == "upsert" => {
            let bytes = match format {
                Format::Json => serde_json::to_vec_pretty(item)?,
                Format::Markdown => markdown(kind, item).into_bytes(),
            };
            write_atomic(&dir.join(&path), &bytes)?;
            index.insert(
                id,
                serde_json::json!({
                    "type": kind, "id": entry.id, "slug": entry.slug,
                    "title": item.get("title").or_else(|| item.get("name")),
                    "updated_at": item.get("updated_at"),
                    "path": path.to_string_lossy(),
                }),
            );
            summary.written += 1;
        }
        _ => {
            if remove(dir, &path)? {
                summary.removed += 1;
            }
        }
    }
    Ok(())
}

fn remove(dir: &Path, path: &Path) -> std::io::Result<bool> {
    match std::fs::remove_file(dir.join(path)) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// One front-matter line; JSON scalars and arrays are valid YAML, so values are written as
/// JSON and need no YAML escaping of their own.
fn line(out: &mut String, key: &str, value: &Value) {
    if value.is_null() {
        return;
    }
    out.push_str(key);
    out.push_str(": ");
    out.push_str(&value.to_string());
    out.push('\n');
}

/// A Markdown file with YAML front matter, as Hugo and Eleventy read it.
pub fn markdown(kind: &str, item: &Value) -> String {
    let mut out = String::from("---\n");
    let names = |list: &Value, key: &str| -> Value {
        Value::Array(
            list.as_array()
                .map(|a| a.iter().filter_map(|x| x.get(key).cloned()).collect())
                .unwrap_or_default(),
        )
    };
    if kind == "article" {
        line(&mut out, "title", &item["title"]);
        line(&mut out, "slug", &item["slug"]);
        line(&mut out, "date", &item["published_at"]);
        line(&mut out, "lastmod", &item["updated_at"]);
        line(&mut out, "summary", &item["summary"]);
        line(&mut out, "tags", &item["tags"]);
        line(
            &mut out,
            "technologies",
            &names(&item["technologies"], "slug"),
        );
        line(&mut out, "author", &item["author"]["display_name"]);
        line(&mut out, "cover_image", &item["cover_image_url"]);
        line(&mut out, "lectern_id", &item["id"]);
        out.push_str("---\n\n");
        out.push_str(item["body"].as_str().unwrap_or_default());
    } else {
        line(&mut out, "title", &item["name"]);
        line(&mut out, "slug", &item["slug"]);
        line(&mut out, "kind", &item["kind"]);
        line(&mut out, "date", &item["published_at"]);
        line(&mut out, "lastmod", &item["updated_at"]);
        line(&mut out, "summary", &item["summary"]);
        line(&mut out, "homepage", &item["homepage_url"]);
        line(&mut out, "first_released", &item["first_released"]);
        line(&mut out, "steward", &item["steward"]);
        line(&mut out, "primary_language", &item["primary_language"]);
        line(&mut out, "notable_users", &item["notable_users"]);
        line(&mut out, "trend_signals", &item["trend_signals"]);
        line(
            &mut out,
            "related",
            &names(&item["related_technologies"], "slug"),
        );
        line(&mut out, "lectern_id", &item["id"]);
        out.push_str("---\n\n");
        out.push_str(item["description"].as_str().unwrap_or_default());
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}
