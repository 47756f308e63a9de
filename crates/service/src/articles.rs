//! Articles: the declaration of the article type. Authors write their own drafts; an article
//! has an author, tags and the technologies it covers.

use crate::content::{view_meta, ContentType, ListQuery, NewRow, Writers};
use crate::inputs::{ArticleChange, ArticleInput};
use crate::search::SearchFields;
use crate::views::{ArticleView, AuthorRef, SourceRef, TechnologyRef};
use crate::{Caller, Error, Result, Service};
use lectern_domain::{ContentStatus, FieldError, Kind, Slug};
use lectern_storage::entities::{articles as row, sources, technologies};
use lectern_storage::queries::articles as q;
use lectern_storage::queries::content::{find_by_slugs, Row as _, Table};
use lectern_storage::queries::{sources as sq, users as uq};
use lectern_storage::{Conn, Tx};
use std::collections::HashMap;
use uuid::Uuid;

/// The article type.
pub struct Article;

/// The list parameters only articles have.
#[derive(Debug, Clone, Default)]
pub struct ArticleParams {
    pub tag: Option<String>,
    /// A technology slug.
    pub technology: Option<String>,
    pub author: Option<Uuid>,
}

impl crate::filter::Sugar for ArticleParams {
    fn sugar(&self) -> serde_json::Map<String, serde_json::Value> {
        use serde_json::json;
        crate::filter::sugar([
            ("tags", self.tag.as_deref().map(Into::into)),
            (
                "technologies",
                (self.technology.as_deref().map(str::trim))
                    .filter(|t| !t.is_empty())
                    .map(|t| json!({ "slug": t })),
            ),
            ("author", self.author.map(|id| json!({ "id": id }))),
        ])
    }
}

pub type ArticleQuery = ListQuery<ArticleParams>;

view_meta!(localized ArticleView);

impl ContentType for Article {
    const KIND: Kind = Kind::Article;
    // 2: the cover. 3: locales.
    const SHAPE: i32 = 3;
    const WRITERS: Writers = Writers::Authors;
    const DEFAULT_SORT: &'static str = "-published_at";
    const EMBEDS: &'static [Kind] = &[Kind::Technology, Kind::Source];
    const LABEL_FIELD: &'static str = "title";
    const TRANSLATED: &'static [&'static str] = &["title", "summary", "body"];
    const FRONT_MATTER: &'static [(&'static str, &'static str)] = &[
        ("summary", "/summary"),
        ("tags", "/tags"),
        ("technologies", "/technologies/*/slug"),
        ("sources", "/sources/*/slug"),
        ("author", "/author/display_name"),
        ("cover_image", "/cover_image_url"),
        ("cover", "/cover/url"),
        ("cover_alt", "/cover/alt"),
        ("cover_width", "/cover/width"),
        ("cover_height", "/cover/height"),
        ("cover_srcset", "/cover/srcset"),
    ];
    const MARKDOWN_BODY: &'static str = "body";
    type Table = row::Entity;
    type View = ArticleView;
    type Input = ArticleInput;
    type Params = ArticleParams;

    fn check_fields(
        caller: &Caller,
        change: &ArticleChange,
        existing: Option<&row::Model>,
    ) -> Result<()> {
        if caller.can_edit_any_content() {
            return Ok(());
        }
        if let Some(status) = change.status {
            let unchanged = existing
                .map(|e| e.status == status.as_str())
                .unwrap_or(status == ContentStatus::Draft);
            if !unchanged {
                return Err(Error::forbidden(
                    "authors cannot change an article's status; an editor publishes it",
                ));
            }
        }
        if let Some(author) = change.author_id {
            if Some(author) != caller.user_id().map(|u| u.0) {
                return Err(Error::forbidden(
                    "authors cannot change an article's author",
                ));
            }
        }
        if change.published_at.is_some() {
            return Err(Error::forbidden("only editors may set published_at"));
        }
        Ok(())
    }

    async fn new_row(
        svc: &Service,
        tx: &Tx,
        caller: &Caller,
        change: &ArticleChange,
        new: NewRow,
    ) -> Result<row::Model> {
        let mut article = new.row::<Self>();
        article.author_id = match (change.author_id, caller.acting_user()) {
            (Some(id), _) => id,
            (None, Some(me)) => me.0,
            (None, None) => {
                return Err(Error::field(
                    "author_id",
                    "is required when writing with an API token",
                ))
            }
        };
        Self::apply(svc, tx, &mut article, change).await?;
        Ok(article)
    }

    async fn apply(
        svc: &Service,
        tx: &Tx,
        article: &mut row::Model,
        change: &ArticleChange,
    ) -> Result<()> {
        crate::content::assign!(article, change, {
            title: |v| v.as_str().to_owned(),
            summary: |v| v.as_str().to_owned(),
            cover_image_url: |v| v.clone().map(String::from),
        });
        if let Some(body) = &change.body {
            article.body_html = crate::assets::render(svc, tx, body.as_str()).await?;
            article.body = body.as_str().to_owned();
        }
        if let Some(author) = change.author_id {
            article.author_id = existing_user(tx, author).await?;
        }
        if let Some(cover) = change.cover {
            article.cover_id = crate::assets::usable(tx, "cover", cover).await?;
        }
        if let (None, Some(at)) = (change.status, change.published_at) {
            article.published_at = Some(at);
        }
        Ok(())
    }

    async fn relate(
        _svc: &Service,
        tx: &Tx,
        caller: &Caller,
        id: Uuid,
        change: &ArticleChange,
    ) -> Result<Vec<Uuid>> {
        crate::assets::check_readable(tx, caller, "cover", change.cover).await?;
        let body = change.body.as_ref().map(|b| b.as_str());
        crate::assets::record_uses(tx, caller, id, "body", body).await?;
        if let Some(tags) = &change.tags {
            let tags: Vec<String> = tags.iter().map(|t| t.as_str().to_owned()).collect();
            q::set_tags(tx, id, &tags).await?;
        }
        if let Some(slugs) = &change.technologies {
            let ids =
                resolve_links::<crate::Technology>(tx, caller, "technologies", slugs, None).await?;
            q::set_technologies(tx, id, &ids).await?;
        }
        if let Some(slugs) = &change.sources {
            let ids = resolve_links::<crate::Source>(tx, caller, "sources", slugs, None).await?;
            sq::set_for_article(tx, id, &ids).await?;
        }
        Ok(vec![])
    }

    async fn views<C: Conn>(
        svc: &Service,
        conn: &C,
        caller: &Caller,
        rows: Vec<row::Model>,
    ) -> Result<Vec<ArticleView>> {
        if rows.is_empty() {
            return Ok(vec![]);
        }
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let mut author_ids: Vec<Uuid> = rows.iter().map(|r| r.author_id).collect();
        author_ids.sort_unstable();
        author_ids.dedup();
        let authors: HashMap<Uuid, AuthorRef> = uq::find_many(conn, &author_ids)
            .await?
            .iter()
            .map(|u| (u.id, AuthorRef::from(u)))
            .collect();
        let mut tags: HashMap<Uuid, Vec<String>> = HashMap::new();
        for (article, tag) in q::tags_of(conn, &ids).await? {
            tags.entry(article).or_default().push(tag);
        }
        let all = caller.sees_unpublished_links();
        let mut techs: HashMap<Uuid, Vec<TechnologyRef>> = HashMap::new();
        for tech in q::technologies_of(conn, &ids).await? {
            // A link to an unpublished technology must not reveal it.
            if all || tech.status == ContentStatus::Published.as_str() {
                techs
                    .entry(tech.owner)
                    .or_default()
                    .push(TechnologyRef::from(&tech));
            }
        }
        let mut sources: HashMap<Uuid, Vec<SourceRef>> = HashMap::new();
        for source in sq::of_articles(conn, &ids).await? {
            if all || source.status == ContentStatus::Published.as_str() {
                sources
                    .entry(source.owner)
                    .or_default()
                    .push(SourceRef::from(&source));
            }
        }
        let covers = crate::assets::shown(svc, conn, rows.iter().map(|r| r.cover_id)).await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let cover = r.cover_id.and_then(|id| covers.get(&id).cloned());
                let author = authors.get(&r.author_id).cloned();
                let t = tags.remove(&r.id).unwrap_or_default();
                let tech = techs.remove(&r.id).unwrap_or_default();
                let src = sources.remove(&r.id).unwrap_or_default();
                ArticleView::new(r, t, author, tech, src, cover)
            })
            .collect())
    }

    fn trim(view: &mut ArticleView) {
        view.technologies.retain(|t| t.published);
        view.sources.retain(|s| s.published);
    }

    fn search_fields(view: &ArticleView) -> SearchFields {
        let mut tags = view.tags.clone();
        tags.extend(view.technologies.iter().map(|t| t.name.clone()));
        SearchFields {
            title: view.title.clone(),
            summary: view.summary.clone(),
            body: lectern_domain::plain_text(&view.body),
            tags,
            author_id: view.author.as_ref().map(|a| a.id),
        }
    }

    async fn restore_input(
        svc: &Service,
        s: &serde_json::Value,
        _current: &row::Model,
    ) -> Result<ArticleInput> {
        let wanted = existing_slugs::<technologies::Entity>(svc, &s["technologies"], None).await?;
        let cited = existing_slugs::<sources::Entity>(svc, &s["sources"], None).await?;
        let text = |k: &str| s[k].as_str().map(|v| Some(v.to_owned()));
        Ok(ArticleInput {
            title: text("title"),
            slug: text("slug"),
            summary: text("summary"),
            body: text("body"),
            cover_image_url: Some(s["cover_image_url"].as_str().map(str::to_owned)),
            cover: Some(s["cover"]["id"].as_str().and_then(|id| id.parse().ok())),
            tags: Some(Some(
                s["tags"]
                    .as_array()
                    .map(|t| {
                        t.iter()
                            .filter_map(|x| x.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default(),
            )),
            technologies: Some(Some(wanted)),
            sources: Some(Some(cited)),
            author_id: s["author"]["id"]
                .as_str()
                .and_then(|a| Uuid::parse_str(a).ok())
                .map(Some),
            ..Default::default()
        })
    }
}

async fn existing_user(tx: &Tx, id: Uuid) -> Result<Uuid> {
    match uq::find_by_id(tx, id).await? {
        Some(_) => Ok(id),
        None => Err(Error::field("author_id", "no user has this id")),
    }
}

/// The slugs in a snapshot's list of links that still name an item of table `E`, except
/// `except` (an item cannot be related to itself).
pub(crate) async fn existing_slugs<E: Table>(
    svc: &Service,
    links: &serde_json::Value,
    except: Option<&str>,
) -> Result<Vec<String>> {
    let wanted: Vec<String> = links
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|t| t["slug"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let existing: Vec<String> = find_by_slugs::<E, _>(svc.db().conn(), &wanted)
        .await?
        .iter()
        .map(|t| t.slug().to_owned())
        .collect();
    Ok(wanted
        .into_iter()
        .filter(|w| existing.contains(w) && Some(w.as_str()) != except)
        .collect())
}

/// Resolves the slugs of items of type `T` that a change links to, as ids; a slug that names
/// nothing the caller may link (an unknown item, or a draft for those who may not read
/// drafts, or the item `me` itself) is a field error at `field[i]`.
pub(crate) async fn resolve_links<T: ContentType>(
    tx: &Tx,
    caller: &Caller,
    field: &str,
    slugs: &[Slug],
    me: Option<Uuid>,
) -> Result<Vec<Uuid>> {
    let names: Vec<String> = slugs.iter().map(|s| s.as_str().to_owned()).collect();
    let found = find_by_slugs::<T::Table, _>(tx, &names).await?;
    let all = caller.sees_unpublished_links();
    let mut ids = Vec::with_capacity(slugs.len());
    let mut errors = Vec::new();
    for (i, slug) in slugs.iter().enumerate() {
        match found.iter().find(|t| {
            t.slug() == slug.as_str() && (all || t.status() == ContentStatus::Published.as_str())
        }) {
            Some(t) if Some(t.id()) == me => errors.push(FieldError::new(
                format!("{field}[{i}]"),
                format!("a {} cannot be related to itself", T::KIND),
            )),
            Some(t) => ids.push(t.id()),
            None => errors.push(FieldError::new(
                format!("{field}[{i}]"),
                format!("no {} has the slug '{slug}'", T::KIND),
            )),
        }
    }
    if errors.is_empty() {
        Ok(ids)
    } else {
        Err(Error::Validation(errors))
    }
}
