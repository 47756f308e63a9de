//! `lectern export`: the published content as files a static site generator builds from.
//!
//! `markdown` lays out `content/articles/<slug>.md`, `content/technologies/<slug>.md` and
//! `content/sources/<slug>.md` with
//! YAML front matter (Hugo and Eleventy read it as is); `json` writes `articles/<slug>.json`,
//! `technologies/<slug>.json` and `index.json`. Content streams page by page through the sync
//! API, so memory stays flat whatever the size of the site. A full export is written beside
//! the target and swapped in at the end, so a failed run never replaces a good export; an
//! incremental one (`--since`) rewrites only what changed, each file atomically, and removes
//! what was deleted or unpublished. The asset files that items show are copied beside them
//! (`export_assets`).

use crate::BoxResult;
use lectern_domain::Kind;
use lectern_service::sync::SyncEntry;
use lectern_service::{with_type, Caller, ContentType, Service};
use serde_json::Value;
use std::collections::HashMap;
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
    /// Asset files copied into the site.
    pub files: u64,
    pub next_token: String,
}

const TOKEN_FILE: &str = ".lectern-sync-token";

/// A full export that would replace a folder it did not write: nothing was touched.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// A full export replaces `out` whole: only when it is missing, empty, or an export of ours.
fn may_replace(out: &Path) -> Result<(), Refused> {
    if !out.exists() {
        return Ok(());
    }
    if !out.is_dir() {
        return Err(Refused(format!(
            "{} is a file, not a folder: choose a folder for the export",
            out.display()
        )));
    }
    let mut entries = std::fs::read_dir(out)
        .map_err(|e| Refused(format!("cannot read {}: {e}", out.display())))?;
    if entries.next().is_none() || out.join(TOKEN_FILE).is_file() {
        return Ok(());
    }
    Err(Refused(format!(
        "{} holds files that an earlier `lectern export` did not write, and a full export replaces the whole folder: export into an empty folder (such as your site's empty content/ folder) or a new one; nothing was changed",
        out.display()
    )))
}

/// Markdown goes under `content/`, unless the target is a site's `content/` folder itself.
fn content_prefix(format: Format, out: &Path) -> bool {
    format == Format::Markdown && out.file_name().and_then(|n| n.to_str()) != Some("content")
}

pub async fn run(
    service: &Service,
    out: &Path,
    format: Format,
    since: Option<&str>,
) -> BoxResult<Summary> {
    let full = since.is_none();
    if full {
        may_replace(out)?;
    }
    let prefix = content_prefix(format, out);
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
    let tty = std::io::stderr().is_terminal();
    let mut summary = Summary::default();
    // A full export writes its index as it goes; an incremental one remembers only what
    // changed and merges that into the old index at the end. Either way memory holds a page
    // of items and the changes, never the whole site.
    let index_path = work.join(index_file(format));
    let mut index = IndexWriter::create(&work.join(format!("{}.new", index_file(format))))?;
    let mut changes: HashMap<String, Option<Value>> = HashMap::new();
    let mut token = since.map(str::to_owned);
    let mut files = crate::export_assets::Files::new(files_dir(format, prefix, &work, out));
    let default = service.locales().default_locale().to_string();
    if format == Format::Markdown {
        write_atomic(
            &work.join("languages.toml"),
            languages_toml(service).as_bytes(),
        )?;
    }
    loop {
        let mut page = service
            .sync(&Caller::Anonymous, token.as_deref(), Some(500))
            .await?;
        for entry in &mut page.items {
            if let Some(item) = entry.item.as_mut() {
                files.take(service, item).await?;
            }
            let indexed = apply(&work, format, prefix, &default, entry, &mut summary)?;
            if full {
                if let Some(line) = indexed {
                    index.push(&line)?;
                }
            } else {
                changes.insert(format!("{}@{}", entry.id, entry.locale), indexed);
            }
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
    if !full {
        merge_index(
            &work,
            &index_path,
            &mut changes,
            &mut index,
            &mut summary,
            &default,
        )?;
    }
    index.finish(&index_path)?;
    summary.next_token = token.unwrap_or_default();
    summary.files = files.copied;
    write_atomic(&work.join(TOKEN_FILE), summary.next_token.as_bytes())?;
    if full {
        swap_in(&work, out)?;
    }
    Ok(summary)
}

/// Where the files that items show go, so that their `/assets/...` URLs resolve on the built
/// site: a Markdown site's `static/` (beside `content/`), or the JSON export itself.
fn files_dir(format: Format, prefix: bool, work: &Path, out: &Path) -> PathBuf {
    match format {
        Format::Markdown if prefix => work.join("static"),
        Format::Markdown => out.parent().unwrap_or(Path::new(".")).join("static"),
        Format::Json => work.to_path_buf(),
    }
}

/// JSON exports publish their index; Markdown ones keep it out of the site's way.
fn index_file(format: Format) -> &'static str {
    match format {
        Format::Json => "index.json",
        Format::Markdown => ".lectern-index.json",
    }
}

/// An index written one entry per line inside a JSON array, so it can be written and read
/// back a line at a time.
struct IndexWriter {
    file: std::io::BufWriter<std::fs::File>,
    tmp: PathBuf,
    first: bool,
}

impl IndexWriter {
    fn create(tmp: &Path) -> std::io::Result<Self> {
        let mut file = std::io::BufWriter::new(std::fs::File::create(tmp)?);
        file.write_all(b"[")?;
        Ok(Self {
            file,
            tmp: tmp.to_path_buf(),
            first: true,
        })
    }

    fn push(&mut self, entry: &Value) -> BoxResult<()> {
        self.file
            .write_all(if self.first { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut self.file, entry)?;
        self.first = false;
        Ok(())
    }

    fn finish(mut self, path: &Path) -> std::io::Result<()> {
        self.file.write_all(b"\n]\n")?;
        let file = self.file.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&self.tmp, path)
    }
}

/// Entries of an earlier index, one at a time (older exports wrote it pretty-printed: read
/// whole, as they were small enough to write that way).
fn old_index(path: &Path) -> BoxResult<Box<dyn Iterator<Item = Value>>> {
    use std::io::BufRead;
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Box::new(std::iter::empty()))
        }
        Err(e) => return Err(e.into()),
    };
    let mut lines = std::io::BufReader::new(file).lines();
    match lines.next().transpose()? {
        Some(first) if first.trim() == "[" => {
            Ok(Box::new(lines.map_while(Result::ok).filter_map(|line| {
                serde_json::from_str(line.trim().trim_end_matches(',')).ok()
            })))
        }
        _ => {
            let list: Vec<Value> = serde_json::from_slice(&std::fs::read(path)?)?;
            Ok(Box::new(list.into_iter()))
        }
    }
}

/// Copies the old index into the new one, replacing or dropping the changed items (and
/// removing the old file of an item that was renamed), then appends the new items.
fn merge_index(
    dir: &Path,
    old: &Path,
    changes: &mut HashMap<String, Option<Value>>,
    index: &mut IndexWriter,
    summary: &mut Summary,
    default: &str,
) -> BoxResult<()> {
    for entry in old_index(old)? {
        let Some(id) = entry["id"].as_str() else {
            continue;
        };
        // Indexes written before locales name none: the default's.
        let locale = entry["locale"].as_str().unwrap_or(default);
        match changes.remove(&format!("{id}@{locale}")) {
            None => index.push(&entry)?,
            Some(now) => {
                let old_path = entry["path"].as_str().unwrap_or_default();
                let now_path = now.as_ref().and_then(|n| n["path"].as_str());
                if !old_path.is_empty()
                    && now_path != Some(old_path)
                    && remove(dir, Path::new(old_path))?
                    && now.is_none()
                {
                    summary.removed += 1;
                }
                if let Some(now) = now {
                    index.push(&now)?;
                }
            }
        }
    }
    for (_, now) in changes.drain() {
        if let Some(now) = now {
            index.push(&now)?;
        }
    }
    Ok(())
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

/// An item's file: a translation is named for its language (`<slug>.fr.md`, Hugo's
/// translation by file name; `fr/<slug>.json`), the default locale's as before.
fn file_of(format: Format, prefix: bool, kind: Kind, slug: &str, lang: Option<&str>) -> PathBuf {
    let folder = with_type!(kind, |T| lectern_service::content::collection::<T>());
    let md = match lang {
        Some(lang) => format!("{slug}.{lang}.md"),
        None => format!("{slug}.md"),
    };
    match format {
        Format::Markdown if prefix => Path::new("content").join(folder).join(md),
        Format::Markdown => Path::new(folder).join(md),
        Format::Json => match lang {
            Some(lang) => Path::new(folder).join(lang).join(format!("{slug}.json")),
            None => Path::new(folder).join(format!("{slug}.json")),
        },
    }
}

/// The site configuration's languages, for Hugo (`--config hugo.toml,languages.toml`):
/// the default first, each with its weight.
fn languages_toml(service: &Service) -> String {
    let locales = service.locales();
    let mut out = format!(
        "# Written by `lectern export`: the locales Lectern serves.\ndefaultContentLanguage = \"{}\"\n",
        locales.default_locale()
    );
    for (n, l) in locales.all().enumerate() {
        out += &format!(
            "[languages.{l}]\nlanguageCode = \"{l}\"\nweight = {}\n",
            n + 1
        );
    }
    out
}

/// Writes or removes one item's file; returns its index entry when it is written.
fn apply(
    dir: &Path,
    format: Format,
    prefix: bool,
    default: &str,
    entry: &SyncEntry,
    summary: &mut Summary,
) -> BoxResult<Option<Value>> {
    let kind = Kind::parse(entry.entity_type).map_err(|e| e.to_string())?;
    let lang = Some(entry.locale.as_str()).filter(|l| *l != default);
    let path = file_of(format, prefix, kind, &entry.slug, lang);
    match &entry.item {
        Some(item) if entry.op == "upsert" => {
            let bytes = match format {
                Format::Json => serde_json::to_vec_pretty(item)?,
                Format::Markdown => with_type!(kind, |T| markdown::<T>(item)).into_bytes(),
            };
            write_atomic(&dir.join(&path), &bytes)?;
            summary.written += 1;
            Ok(Some(serde_json::json!({
                "type": kind.as_str(), "id": entry.id, "slug": entry.slug, "locale": entry.locale,
                "title": item.get("title").or_else(|| item.get("name")),
                "updated_at": item.get("updated_at"),
                "path": path.to_string_lossy(),
            })))
        }
        _ => {
            if remove(dir, &path)? {
                summary.removed += 1;
            }
            Ok(None)
        }
    }
}

fn remove(dir: &Path, path: &Path) -> std::io::Result<bool> {
    match std::fs::remove_file(dir.join(path)) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// A Markdown file with YAML front matter, as Hugo and Eleventy read it, laid out as the
/// type declares.
pub fn markdown<T: ContentType>(item: &Value) -> String {
    let mut out = String::from("---\n");
    let label = format!("/{}", T::LABEL_FIELD);
    let head = [
        ("title", label.as_str()),
        ("slug", "/slug"),
        ("lang", "/locale"),
    ];
    let dates = [("date", "/published_at"), ("lastmod", "/updated_at")];
    let keys = head.iter().chain(&dates).chain(T::FRONT_MATTER);
    // `translationKey` ties an item's translations together in Hugo.
    for (key, pointer) in keys.chain(&[("lectern_id", "/id"), ("translationKey", "/id")]) {
        let value = match pointer.split_once("/*/") {
            // A field of each link in a list, e.g. the slugs of an article's technologies.
            Some((list, field)) => Value::Array(
                (item
                    .pointer(list)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten())
                .filter_map(|x| x.get(field).cloned())
                .collect(),
            ),
            None => item.pointer(pointer).cloned().unwrap_or(Value::Null),
        };
        // JSON scalars and arrays are valid YAML: values need no escaping of their own.
        if !value.is_null() {
            out.push_str(&format!("{key}: {value}\n"));
        }
    }
    out.push_str("---\n\n");
    out.push_str(item[T::MARKDOWN_BODY].as_str().unwrap_or_default());
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}
