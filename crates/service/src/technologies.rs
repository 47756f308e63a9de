//! Technology profiles: the declaration of the technology type. Only editors, admins and
//! write tokens change them; a technology has a kind and symmetric relations to others.

use crate::articles::{existing_slugs, resolve_links};
use crate::content::{view_meta, ContentType, Dependents, ListQuery, Writers};
use crate::inputs::{TechnologyChange, TechnologyInput};
use crate::search::SearchFields;
use crate::views::{SourceRef, StoredSignal, TechnologyRef, TechnologyView, TrendSignalView};
use crate::{Caller, Error, Result, Service};
use lectern_domain::{ContentStatus, FieldError, Kind, TrendSignal};
use lectern_storage::entities::{sources, technologies as row};
use lectern_storage::queries::content::find_by_slugs;
use lectern_storage::queries::sources as sq;
use lectern_storage::queries::technologies as q;
use lectern_storage::{Conn, Tx};
use std::collections::HashMap;
use uuid::Uuid;

/// The technology type.
pub struct Technology;

pub type TechnologyParams = crate::content::KindParams;
pub type TechnologyQuery = ListQuery<TechnologyParams>;

view_meta!(localized TechnologyView);

impl ContentType for Technology {
    const KIND: Kind = Kind::Technology;
    // 2: the logo. 3: locales.
    const SHAPE: i32 = 3;
    const WRITERS: Writers = Writers::Editors;
    const EMBEDS: &'static [Kind] = &[Kind::Technology, Kind::Source];
    const LABEL_FIELD: &'static str = "name";
    const TRANSLATED: &'static [&'static str] = &["name", "summary", "description"];
    const PEER_FIELD: &'static str = "related_technologies";
    const FRONT_MATTER: &'static [(&'static str, &'static str)] = &[
        ("kind", "/kind"),
        ("summary", "/summary"),
        ("homepage", "/homepage_url"),
        ("logo", "/logo/url"),
        ("first_released", "/first_released"),
        ("steward", "/steward"),
        ("primary_language", "/primary_language"),
        ("notable_users", "/notable_users"),
        ("trend_signals", "/trend_signals"),
        ("related", "/related_technologies/*/slug"),
    ];
    const MARKDOWN_BODY: &'static str = "description";
    type Table = row::Entity;
    type View = TechnologyView;
    type Input = TechnologyInput;
    type Params = TechnologyParams;

    async fn apply(
        svc: &Service,
        tx: &Tx,
        t: &mut row::Model,
        change: &TechnologyChange,
    ) -> Result<()> {
        set_fields(svc, tx, t, change).await
    }

    async fn relate(
        _svc: &Service,
        tx: &Tx,
        caller: &Caller,
        id: Uuid,
        change: &TechnologyChange,
    ) -> Result<Vec<Uuid>> {
        crate::assets::check_readable(tx, caller, "logo", change.logo).await?;
        let description = change.description.as_ref().map(|d| d.as_str());
        crate::assets::record_uses(tx, caller, id, "description", description).await?;
        if let Some(signals) = &change.trend_signals {
            let (_, cited) = stored_signals(tx, signals).await?;
            sq::set_for_technology(tx, id, &cited).await?;
        }
        let Some(slugs) = &change.related else {
            return Ok(vec![]);
        };
        let field = "related_technologies";
        let ids = resolve_links::<Self>(tx, caller, field, slugs, Some(id)).await?;
        let old: Vec<Uuid> = q::related_of(tx, &[id])
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect();
        q::set_related(tx, id, &ids).await?;
        // Relations are symmetric: a peer added or removed shows a changed list too.
        Ok(old
            .iter()
            .filter(|o| !ids.contains(o))
            .chain(ids.iter().filter(|n| !old.contains(n)))
            .copied()
            .collect())
    }

    async fn views<C: Conn>(
        svc: &Service,
        conn: &C,
        caller: &Caller,
        rows: Vec<row::Model>,
    ) -> Result<Vec<TechnologyView>> {
        if rows.is_empty() {
            return Ok(vec![]);
        }
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let all = caller.sees_unpublished_links();
        let mut related: HashMap<Uuid, Vec<TechnologyRef>> = HashMap::new();
        for tech in q::related_of(conn, &ids).await? {
            if all || tech.status == ContentStatus::Published.as_str() {
                related
                    .entry(tech.owner)
                    .or_default()
                    .push(TechnologyRef::from(&tech));
            }
        }
        let cited: HashMap<Uuid, SourceRef> = sq::of_technologies(conn, &ids)
            .await?
            .iter()
            .filter(|s| all || s.status == ContentStatus::Published.as_str())
            .map(|s| (s.id, SourceRef::from(s)))
            .collect();
        let logos = crate::assets::shown(svc, conn, rows.iter().map(|r| r.logo_id)).await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let logo = r.logo_id.and_then(|id| logos.get(&id).cloned());
                let rel = related.remove(&r.id).unwrap_or_default();
                let stored: Vec<StoredSignal> =
                    serde_json::from_value(r.trend_signals.clone()).unwrap_or_default();
                let signals = stored
                    .into_iter()
                    .map(|s| TrendSignalView {
                        source: s.source_id.and_then(|id| cited.get(&id).cloned()),
                        metric: s.metric,
                        value: s.value,
                        unit: s.unit,
                        period: s.period,
                    })
                    .collect();
                TechnologyView::new(r, rel, signals, logo)
            })
            .collect())
    }

    fn trim(view: &mut TechnologyView) {
        view.related_technologies.retain(|t| t.published);
        for signal in &mut view.trend_signals {
            signal.source = signal.source.take().filter(|s| s.published);
        }
    }

    fn search_fields(view: &TechnologyView) -> SearchFields {
        let mut body = lectern_domain::plain_text(&view.description);
        let facts = [&view.steward, &view.primary_language];
        for value in facts.into_iter().flatten().chain(&view.notable_users) {
            if !value.is_empty() {
                body.push(' ');
                body.push_str(value);
            }
        }
        let mut tags = vec![view.kind.clone()];
        tags.extend(view.related_technologies.iter().map(|t| t.name.clone()));
        SearchFields {
            title: view.name.clone(),
            summary: view.summary.clone(),
            body,
            tags,
            author_id: None,
        }
    }

    async fn restore_input(
        svc: &Service,
        s: &serde_json::Value,
        current: &row::Model,
    ) -> Result<TechnologyInput> {
        let related =
            existing_slugs::<row::Entity>(svc, &s["related_technologies"], Some(&current.slug))
                .await?;
        // A figure names its source by slug; one whose source is gone is left out.
        let signals: Vec<TrendSignal> = s["trend_signals"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| {
                Some(TrendSignal {
                    metric: f["metric"].as_str()?.to_owned(),
                    value: f["value"].as_f64()?,
                    unit: f["unit"].as_str()?.to_owned(),
                    period: f["period"].as_str()?.to_owned(),
                    source: f["source"]["slug"].as_str()?.to_owned(),
                })
            })
            .collect();
        let text = |k: &str| s[k].as_str().map(|v| Some(v.to_owned()));
        let nullable = |k: &str| Some(s[k].as_str().map(str::to_owned));
        Ok(TechnologyInput {
            name: text("name"),
            slug: text("slug"),
            kind: text("kind"),
            summary: text("summary"),
            description: text("description"),
            homepage_url: nullable("homepage_url"),
            logo: Some(s["logo"]["id"].as_str().and_then(|id| id.parse().ok())),
            first_released: Some(s["first_released"].as_i64()),
            steward: nullable("steward"),
            primary_language: nullable("primary_language"),
            notable_users: Some(serde_json::from_value(s["notable_users"].clone()).ok()),
            trend_signals: Some(Some(signals)),
            related_technologies: Some(Some(related)),
            ..Default::default()
        })
    }

    /// Articles and related technologies show a technology's slug, name, kind and status:
    /// when one of those changes (or it goes), their stored views are rewritten.
    async fn dependents(
        tx: &Tx,
        before: &row::Model,
        after: Option<&row::Model>,
    ) -> Result<Dependents> {
        if after.is_some_and(|a| shown_in_links(a) == shown_in_links(before)) {
            return Ok(Dependents::default());
        }
        Ok(Dependents {
            articles: q::article_ids_covering(tx, before.id).await?,
            technologies: q::related_of(tx, &[before.id])
                .await?
                .into_iter()
                .map(|r| r.id)
                .collect(),
            sources: vec![],
        })
    }
}

/// What links to a technology show of it.
fn shown_in_links(t: &row::Model) -> (&str, &str, &str, &str) {
    (&t.slug, &t.name, &t.kind, &t.status)
}

async fn set_fields(
    svc: &Service,
    tx: &Tx,
    t: &mut row::Model,
    change: &TechnologyChange,
) -> Result<()> {
    crate::content::assign!(t, change, {
        name: |v| v.as_str().to_owned(),
        kind: |v| v.as_str().to_owned(),
        summary: |v| v.as_str().to_owned(),
        homepage_url: |v| v.clone().map(String::from),
        first_released: |v| v.map(|y| y.get()),
        steward: |v| v.clone(),
        primary_language: |v| v.clone(),
        notable_users: |v| serde_json::json!(v),
    });
    if let Some(description) = &change.description {
        t.description_html = crate::assets::render(svc, tx, description.as_str()).await?;
        t.description = description.as_str().to_owned();
    }
    if let Some(signals) = &change.trend_signals {
        t.trend_signals = stored_signals(tx, signals).await?.0;
    }
    if let Some(logo) = change.logo {
        t.logo_id = crate::assets::usable(tx, "logo", logo).await?;
    }
    Ok(())
}

/// Figures as stored, each naming its source by id, and the sources they cite. Technology
/// writers are editors, so a figure may cite a draft source (readers see it once published).
async fn stored_signals(
    tx: &Tx,
    signals: &[TrendSignal],
) -> Result<(serde_json::Value, Vec<Uuid>)> {
    let slugs: Vec<String> = signals.iter().map(|s| s.source.clone()).collect();
    let found = find_by_slugs::<sources::Entity, _>(tx, &slugs).await?;
    let mut stored = Vec::with_capacity(signals.len());
    let mut errors = Vec::new();
    for (i, s) in signals.iter().enumerate() {
        match found.iter().find(|f| f.slug == s.source) {
            Some(source) => stored.push(StoredSignal {
                metric: s.metric.clone(),
                value: s.value,
                unit: s.unit.clone(),
                period: s.period.clone(),
                source_id: Some(source.id),
            }),
            None => errors.push(FieldError::new(
                format!("trend_signals[{i}].source"),
                format!("no source has the slug '{}'", s.source),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let mut cited: Vec<Uuid> = stored.iter().filter_map(|s| s.source_id).collect();
    cited.sort_unstable();
    cited.dedup();
    let json = serde_json::to_value(stored).unwrap_or_else(|_| serde_json::json!([]));
    Ok((json, cited))
}
