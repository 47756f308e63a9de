//! Demo content, written from the facts of three 2023 articles on back-end trends (the demo sources).
//! The data lives in `demo/` as JSON and Markdown; it is compiled in so that the binary
//! needs no files beside it.

use lectern_domain::TrendSignal;
use lectern_service::inputs::{ArticleInput, SourceInput, TechnologyInput};
use lectern_service::{Caller, Service};
use serde::Deserialize;
use std::collections::HashSet;

const SOURCES: &str = include_str!("../../../demo/sources.json");
const TECHNOLOGIES: &str = include_str!("../../../demo/technologies.json");
const ARTICLES: &str = include_str!("../../../demo/articles.json");
/// The article bodies, by the `body_file` that names them.
macro_rules! bodies {
    ($($name:literal),*) => {
        &[$((
            concat!("articles/", $name, ".md"),
            include_str!(concat!("../../../demo/articles/", $name, ".md")),
        )),*]
    };
}
/// The article covers, by the `file` that names them.
const COVERS: &[(&str, &[u8])] = &[
    (
        "covers/stack.png",
        include_bytes!("../../../demo/covers/stack.png"),
    ),
    (
        "covers/demand.png",
        include_bytes!("../../../demo/covers/demand.png"),
    ),
    (
        "covers/delivery.png",
        include_bytes!("../../../demo/covers/delivery.png"),
    ),
];
/// The French translations: entries keyed by `of`, the slug of what they translate.
const FR_SOURCES: &str = include_str!("../../../demo/locales/fr/sources.json");
const FR_TECHNOLOGIES: &str = include_str!("../../../demo/locales/fr/technologies.json");
const FR_ARTICLES: &str = include_str!("../../../demo/locales/fr/articles.json");
const FR_BODIES: &[(&str, &str)] = &[
    (
        "articles/choisir-sa-pile-back-end-en-2023-frameworks-cms-headless-et-sites-statiques.md",
        include_str!("../../../demo/locales/fr/articles/choisir-sa-pile-back-end-en-2023-frameworks-cms-headless-et-sites-statiques.md"),
    ),
    (
        "articles/demande-back-end-en-2023-recrutement-et-outils-des-developpeurs.md",
        include_str!("../../../demo/locales/fr/articles/demande-back-end-en-2023-recrutement-et-outils-des-developpeurs.md"),
    ),
    (
        "articles/six-evolutions-infrastructure-et-livraison-back-end.md",
        include_str!("../../../demo/locales/fr/articles/six-evolutions-infrastructure-et-livraison-back-end.md"),
    ),
];
const BODIES: &[(&str, &str)] = bodies!(
    "backend-stack-2023-frameworks-content-static-sites",
    "backend-demand-and-tooling-2023",
    "infrastructure-and-delivery-shifts-2023"
);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoTechnology {
    slug: String,
    name: String,
    kind: String,
    summary: String,
    description: String,
    homepage_url: Option<String>,
    first_released: Option<i64>,
    steward: Option<String>,
    primary_language: Option<String>,
    notable_users: Vec<String>,
    trend_signals: Vec<TrendSignal>,
    related: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoArticle {
    slug: String,
    title: String,
    summary: String,
    body_file: String,
    cover: DemoCover,
    tags: Vec<String>,
    technologies: Vec<String>,
    sources: Vec<String>,
    published_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoCover {
    file: String,
    alt: String,
}

/// Uploads a cover, public like the article it is for.
async fn cover(service: &Service, owner: &Caller, c: &DemoCover) -> crate::BoxResult<uuid::Uuid> {
    let bytes = COVERS
        .iter()
        .find(|(path, _)| *path == c.file)
        .map(|(_, bytes)| *bytes)
        .ok_or_else(|| format!("demo cover {}: no such file", c.file))?;
    let name = c.file.rsplit('/').next().unwrap_or("cover.png");
    let input = lectern_service::inputs::AssetInput {
        alt: Some(Some(c.alt.clone())),
        status: Some(Some("published".into())),
        ..Default::default()
    };
    let created = service
        .upload_asset_bytes(owner, name, bytes, input)
        .await
        .map_err(|e| format!("demo cover {}: {e:?}", c.file))?;
    Ok(created.id)
}

/// What was loaded.
pub struct Loaded {
    pub sources: usize,
    pub technologies: usize,
    pub articles: usize,
    /// Translations, when French is configured.
    pub translations: usize,
}

/// Loads the French translations, published, as a request in French would write them.
async fn load_french(service: &Service, owner: &Caller) -> crate::BoxResult<usize> {
    use lectern_service::{Article, Source, Technology};
    if service.locales().find("fr").is_none() {
        return Ok(0);
    }
    let published = || Some(Some("published".to_owned()));
    let text = |v: &serde_json::Value, k: &str| v[k].as_str().map(|s| Some(s.to_owned()));
    let mut count = 0;
    for s in serde_json::from_str::<Vec<serde_json::Value>>(FR_SOURCES)? {
        let input = SourceInput {
            title: text(&s, "title"),
            note: text(&s, "note"),
            status: published(),
            ..Default::default()
        };
        let of = s["of"].as_str().unwrap_or_default();
        (service
            .put_translation::<Source>(owner, of, "fr", input, None)
            .await)
            .map_err(|e| format!("demo source {of} in French: {e:?}"))?;
        count += 1;
    }
    for t in serde_json::from_str::<Vec<serde_json::Value>>(FR_TECHNOLOGIES)? {
        let input = TechnologyInput {
            name: text(&t, "name"),
            slug: text(&t, "slug"),
            summary: text(&t, "summary"),
            description: text(&t, "description"),
            status: published(),
            ..Default::default()
        };
        let of = t["of"].as_str().unwrap_or_default();
        (service
            .put_translation::<Technology>(owner, of, "fr", input, None)
            .await)
            .map_err(|e| format!("demo technology {of} in French: {e:?}"))?;
        count += 1;
    }
    for a in serde_json::from_str::<Vec<serde_json::Value>>(FR_ARTICLES)? {
        let file = a["body_file"].as_str().unwrap_or_default();
        let body = (FR_BODIES.iter().find(|(path, _)| *path == file))
            .map(|(_, body)| (*body).to_owned())
            .ok_or_else(|| format!("demo translation: no body file {file}"))?;
        let input = ArticleInput {
            title: text(&a, "title"),
            slug: text(&a, "slug"),
            summary: text(&a, "summary"),
            body: Some(Some(body)),
            status: published(),
            ..Default::default()
        };
        let of = a["of"].as_str().unwrap_or_default();
        (service
            .put_translation::<Article>(owner, of, "fr", input, None)
            .await)
            .map_err(|e| format!("demo article {of} in French: {e:?}"))?;
        count += 1;
    }
    Ok(count)
}

/// Loads the demo content as `owner` (an admin), all published.
pub async fn load(service: &Service, owner: &Caller) -> crate::BoxResult<Loaded> {
    // A source is written as the REST body that creates it, less its status.
    let sources: Vec<serde_json::Value> = serde_json::from_str(SOURCES)?;
    let source_count = sources.len();
    for mut s in sources {
        let slug = s["slug"].as_str().unwrap_or_default().to_owned();
        s["status"] = "published".into();
        let input: SourceInput = serde_json::from_value(s)?;
        service
            .create::<lectern_service::Source>(owner, input)
            .await
            .map_err(|e| format!("demo source {slug}: {e:?}"))?;
    }
    let technologies: Vec<DemoTechnology> = serde_json::from_str(TECHNOLOGIES)?;
    let articles: Vec<DemoArticle> = serde_json::from_str(ARTICLES)?;
    // Relations are symmetric: link each technology to the related ones created before it,
    // so every pair is linked exactly once, when its second member is created.
    let mut created: HashSet<String> = HashSet::new();
    let all_related: Vec<(String, String)> = technologies
        .iter()
        .flat_map(|t| t.related.iter().map(|r| (t.slug.clone(), r.clone())))
        .collect();
    for t in &technologies {
        let related: Vec<String> = all_related
            .iter()
            .filter_map(|(a, b)| {
                if *a == t.slug && created.contains(b) {
                    Some(b.clone())
                } else if *b == t.slug && created.contains(a) {
                    Some(a.clone())
                } else {
                    None
                }
            })
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let input = TechnologyInput {
            name: Some(Some(t.name.clone())),
            slug: Some(Some(t.slug.clone())),
            kind: Some(Some(t.kind.clone())),
            summary: Some(Some(t.summary.clone())),
            description: Some(Some(t.description.clone())),
            homepage_url: Some(t.homepage_url.clone()),
            first_released: Some(t.first_released),
            steward: Some(t.steward.clone()),
            primary_language: Some(t.primary_language.clone()),
            notable_users: Some(Some(t.notable_users.clone())),
            trend_signals: Some(Some(t.trend_signals.clone())),
            related_technologies: Some(Some(related)),
            status: Some(Some("published".into())),
            ..Default::default()
        };
        service
            .create::<lectern_service::Technology>(owner, input)
            .await
            .map_err(|e| format!("demo technology {}: {e:?}", t.slug))?;
        created.insert(t.slug.clone());
    }
    for a in &articles {
        let body = BODIES
            .iter()
            .find(|(path, _)| *path == a.body_file)
            .map(|(_, body)| *body)
            .ok_or_else(|| format!("demo article {}: no body file {}", a.slug, a.body_file))?;
        let cover_id = cover(service, owner, &a.cover).await?;
        let input = ArticleInput {
            cover: Some(Some(cover_id)),
            title: Some(Some(a.title.clone())),
            slug: Some(Some(a.slug.clone())),
            summary: Some(Some(a.summary.clone())),
            body: Some(Some(body.to_owned())),
            tags: Some(Some(a.tags.clone())),
            technologies: Some(Some(a.technologies.clone())),
            sources: Some(Some(a.sources.clone())),
            status: Some(Some("published".into())),
            published_at: Some(Some(a.published_at)),
            ..Default::default()
        };
        service
            .create::<lectern_service::Article>(owner, input)
            .await
            .map_err(|e| format!("demo article {}: {e:?}", a.slug))?;
    }
    Ok(Loaded {
        sources: source_count,
        technologies: technologies.len(),
        articles: articles.len(),
        translations: load_french(service, owner).await?,
    })
}
