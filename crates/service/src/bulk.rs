//! Bulk import: many new articles in one transaction and one statement per table, for
//! seeding large sites (benchmarks) and migrations from another system. It writes the same
//! rows as creating the articles one by one (article, tags, links, public JSON, revision,
//! feed row, search document) but queues no webhooks: an import is not news.

use crate::content::{public_json, public_view, snapshot};
use crate::record::now;
use crate::views::{ArticleView, AuthorRef, TechnologyRef};
use crate::{Article, Caller, Error, Result, Service};
use lectern_domain::{render_markdown, ContentStatus, FieldError};
use lectern_storage::entities::articles as row;
use lectern_storage::entities::technologies;
use lectern_storage::queries::content::find_by_slugs;
use lectern_storage::queries::{articles as aq, feed, revisions, search as sq, users as uq};
use std::collections::HashMap;
use uuid::Uuid;

impl Service {
    /// Imports new articles authored by the caller. Each needs an explicit, unused slug (a
    /// taken one fails the whole batch with a conflict); linked technologies must exist.
    pub async fn bulk_import_articles(
        &self,
        caller: &Caller,
        inputs: Vec<crate::inputs::ArticleInput>,
    ) -> Result<usize> {
        caller.require_editor()?;
        let author_id = caller
            .acting_user()
            .ok_or_else(|| Error::field("author_id", "an import needs a user to author it"))?
            .0;
        let mut changes = Vec::with_capacity(inputs.len());
        for (i, input) in inputs.into_iter().enumerate() {
            let change = input.parse(true).map_err(|e| {
                Error::Validation(
                    e.0.into_iter()
                        .map(|f| {
                            let field = format!("[{i}].{}", f.field);
                            f.at(field)
                        })
                        .collect(),
                )
            })?;
            if change.slug.is_none() {
                return Err(Error::field(
                    format!("[{i}].slug"),
                    "is required in a bulk import",
                ));
            }
            changes.push(change);
        }
        let tx = self.db().begin().await?;
        let author = uq::find_by_id(&tx, author_id)
            .await?
            .ok_or_else(|| Error::field("author_id", "no user has this id"))?;
        let author = AuthorRef::from(&author);
        let mut wanted: Vec<String> = changes
            .iter()
            .flat_map(|c| {
                c.technologies
                    .iter()
                    .flatten()
                    .map(|s| s.as_str().to_owned())
            })
            .collect();
        wanted.sort();
        wanted.dedup();
        let technologies: HashMap<String, TechnologyRef> =
            find_by_slugs::<technologies::Entity, _>(&tx, &wanted)
                .await?
                .iter()
                .map(|t| (t.slug.clone(), TechnologyRef::from(t)))
                .collect();
        let at = now();
        let n = changes.len();
        let (mut rows, mut tags, mut links) = (Vec::with_capacity(n), Vec::new(), Vec::new());
        let mut views = Vec::with_capacity(n);
        for (i, change) in changes.into_iter().enumerate() {
            let id = Uuid::now_v7();
            let status = change.status.unwrap_or(ContentStatus::Draft);
            let body = change.body.map(|b| b.into_inner()).unwrap_or_default();
            let mut refs = Vec::new();
            for slug in change.technologies.unwrap_or_default() {
                let Some(t) = technologies.get(slug.as_str()) else {
                    return Err(Error::Validation(vec![FieldError::new(
                        format!("[{i}].technologies"),
                        format!("no technology has the slug '{slug}'"),
                    )]));
                };
                links.push((id, t.id));
                refs.push(t.clone());
            }
            let article_tags: Vec<String> = change
                .tags
                .unwrap_or_default()
                .into_iter()
                .map(|t| t.into_inner())
                .collect();
            tags.extend(article_tags.iter().map(|t| (id, t.clone())));
            let mut article = row::Model {
                id,
                slug: change.slug.map(|s| s.into_inner()).unwrap_or_default(),
                title: change.title.map(|t| t.into_inner()).unwrap_or_default(),
                summary: change.summary.map(|s| s.into_inner()).unwrap_or_default(),
                body_html: render_markdown(&body),
                body,
                cover_image_url: change.cover_image_url.flatten().map(String::from),
                cover_id: None,
                author_id,
                status: status.as_str().to_owned(),
                published_at: match status {
                    ContentStatus::Published => Some(change.published_at.unwrap_or(at)),
                    _ => change.published_at,
                },
                created_at: at,
                updated_at: at,
                version: 1,
                public_json: None,
                publish_at: None,
                public_shape: <Article as crate::ContentType>::SHAPE,
                entry_id: None,
                locale: String::new(),
            };
            let mut view = ArticleView::new(
                article.clone(),
                article_tags,
                Some(author.clone()),
                refs,
                vec![],
                None,
            );
            let default = self.shown_locale("");
            let itself = crate::views::Translation {
                locale: default.clone(),
                status: view.status.clone(),
                slug: view.slug.clone(),
            };
            crate::content::ViewMeta::set_locale(&mut view, default, vec![itself]);
            article.public_json = public_json(&public_view::<Article>(&view));
            rows.push(article);
            views.push(view);
        }
        let backend = self.db().backend();
        aq::insert_many(&tx, rows, tags, links).await?;
        let snapshots: Vec<serde_json::Value> = views.iter().map(snapshot).collect();
        revisions::insert_many(
            &tx,
            views
                .iter()
                .zip(&snapshots)
                .map(|(v, s)| revisions::NewRevision {
                    entity_type: "article",
                    entity_id: v.id,
                    version: 1,
                    snapshot: s.clone(),
                    summary: "imported".into(),
                    actor_id: Some(author_id),
                    at,
                })
                .collect(),
        )
        .await?;
        feed::append_many(
            &tx,
            backend,
            views
                .iter()
                .map(|v| feed::NewChange {
                    entity_type: "article",
                    entity_id: v.id,
                    locale: "",
                    slug: &v.slug,
                    operation: "upsert",
                    version: 1,
                    published: v.status == "published",
                    was_published: false,
                    at,
                })
                .collect(),
        )
        .await?;
        sq::insert_many(
            &tx,
            backend,
            views
                .iter()
                .map(|v| crate::search::document::<Article>(&public_view::<Article>(v), v.id, ""))
                .collect(),
        )
        .await?;
        lectern_storage::commit(tx).await?;
        // Readers and caches follow through the feed, as for a change made elsewhere.
        self.inner.cache.clear();
        self.inner.wake.notify_one();
        Ok(n)
    }
}
