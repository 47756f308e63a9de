//! Sources: the declaration of the source type, the publications that trend figures and
//! articles draw on. Editors, admins and write tokens change them; a source still cited
//! cannot be deleted.

use crate::content::{view_meta, ContentType, Dependents, ListQuery, Writers};
use crate::inputs::{SourceChange, SourceInput};
use crate::search::SearchFields;
use crate::views::SourceView;
use crate::{Caller, Error, Result, Service};
use lectern_domain::Kind;
use lectern_storage::entities::sources as row;
use lectern_storage::queries::sources as q;
use lectern_storage::{Conn, Tx};

/// The source type.
pub struct Source;

pub type SourceParams = crate::content::KindParams;
pub type SourceQuery = ListQuery<SourceParams>;

view_meta!(localized SourceView);

impl ContentType for Source {
    const KIND: Kind = Kind::Source;
    // 2: locales.
    const SHAPE: i32 = 2;
    const WRITERS: Writers = Writers::Editors;
    const LABEL_FIELD: &'static str = "title";
    const TRANSLATED: &'static [&'static str] = &["title", "note"];
    const FRONT_MATTER: &'static [(&'static str, &'static str)] = &[
        ("kind", "/kind"),
        ("authors", "/authors"),
        ("publisher", "/publisher"),
        ("url", "/url"),
        ("published_on", "/published_on"),
    ];
    const MARKDOWN_BODY: &'static str = "note";
    type Table = row::Entity;
    type View = SourceView;
    type Input = SourceInput;
    type Params = SourceParams;

    async fn apply(
        _svc: &Service,
        _tx: &Tx,
        s: &mut row::Model,
        change: &SourceChange,
    ) -> Result<()> {
        set_fields(s, change);
        Ok(())
    }

    async fn views<C: Conn>(
        _svc: &Service,
        _conn: &C,
        _caller: &Caller,
        rows: Vec<row::Model>,
    ) -> Result<Vec<SourceView>> {
        Ok(rows.into_iter().map(SourceView::new).collect())
    }

    fn search_fields(view: &SourceView) -> SearchFields {
        let mut body = view.authors.join(", ");
        if let Some(publisher) = &view.publisher {
            body.push(' ');
            body.push_str(publisher);
        }
        SearchFields {
            title: view.title.clone(),
            summary: view.note.clone(),
            body,
            tags: vec![view.kind.clone()],
            author_id: None,
        }
    }

    async fn restore_input(
        _svc: &Service,
        s: &serde_json::Value,
        _current: &row::Model,
    ) -> Result<SourceInput> {
        let text = |k: &str| s[k].as_str().map(|v| Some(v.to_owned()));
        let nullable = |k: &str| Some(s[k].as_str().map(str::to_owned));
        Ok(SourceInput {
            title: text("title"),
            slug: text("slug"),
            authors: Some(serde_json::from_value(s["authors"].clone()).ok()),
            publisher: nullable("publisher"),
            url: nullable("url"),
            published_on: nullable("published_on"),
            kind: text("kind"),
            note: text("note"),
            ..Default::default()
        })
    }

    /// Articles and trend figures show a source's slug, title and status; a source they
    /// still cite cannot go.
    async fn dependents(
        tx: &Tx,
        before: &row::Model,
        after: Option<&row::Model>,
    ) -> Result<Dependents> {
        let shown = |s: &row::Model| (s.slug.clone(), s.title.clone(), s.status.clone());
        if after.is_some_and(|a| shown(a) == shown(before)) {
            return Ok(Dependents::default());
        }
        let (articles, technologies) = q::citing(tx, before.id).await?;
        if after.is_none() && !(articles.is_empty() && technologies.is_empty()) {
            return Err(Error::conflict(crate::Code::SourceInUse, format!(
                    "the source is cited by {} article(s) and the trend figures of {} technology profile(s); remove those citations first",
                    articles.len(),
                    technologies.len()
                )));
        }
        Ok(Dependents {
            articles,
            technologies,
            sources: vec![],
        })
    }
}

fn set_fields(s: &mut row::Model, change: &SourceChange) {
    crate::content::assign!(s, change, {
        title: |v| v.as_str().to_owned(),
        authors: |v| serde_json::json!(v),
        publisher: |v| v.clone(),
        url: |v| v.clone().map(String::from),
        published_on: |v| *v,
        kind: |v| v.as_str().to_owned(),
        note: |v| v.as_str().to_owned(),
    });
}
