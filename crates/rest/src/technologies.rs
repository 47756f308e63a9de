//! `/api/v1/technologies`: the technology type's REST declaration.

use crate::shape::Shape;
use lectern_service::Technology;

use crate::bodies::{Body, Field, Kind::*, NULLABLE, REQUIRED};

const BODY: Body = Body {
    create: "TechnologyCreate",
    update: "TechnologyUpdate",
    docs: [
        "A new technology profile (editors).",
        "A JSON merge patch of a technology profile; `null` clears the optional facts.",
    ],
    examples: [
        r#"{"name": "Phoenix", "kind": "framework", "summary": "An Elixir web framework.", "primary_language": "Elixir", "first_released": 2014, "related_technologies": ["elixir"]}"#,
        r#"{"summary": "A productive Elixir web framework."}"#,
    ],
    fields: &[
        Field("name", Line(100), REQUIRED, ""),
        Field("kind", Ref("KindDoc"), REQUIRED, ""),
        Field("slug", Slug, 0, ""),
        Field("summary", Text(1000), 0, ""),
        Field("description", Text(200_000), 0, "Markdown."),
        Field("homepage_url", Url, NULLABLE, ""),
        Field(
            "logo",
            Uuid,
            NULLABLE,
            "The id of an asset to show as the logo.",
        ),
        Field("first_released", Year, NULLABLE, ""),
        Field("steward", Line(200), NULLABLE, ""),
        Field("primary_language", Line(200), NULLABLE, ""),
        Field("notable_users", List(&Line(200)), 0, ""),
        Field("trend_signals", List(&Ref("TrendSignalInput")), 0, ""),
        Field(
            "related_technologies",
            List(&Slug),
            0,
            "Slugs of existing technology profiles.",
        ),
        Field("status", Ref("StatusDoc"), 0, ""),
    ],
};

crate::content_params!(
    q = "Case-insensitive text in the title (name) or summary.",
    fields = "Comma-separated fields to return, e.g. `id,slug,name`." r"^[ \t]*(id|slug|name|kind|summary|description|description_html|homepage_url|logo|first_released|steward|primary_language|notable_users|trend_signals|related_technologies|status|published_at|publish_at|created_at|updated_at|version)?([ \t]*,[ \t]*(id|slug|name|kind|summary|description|description_html|homepage_url|logo|first_released|steward|primary_language|notable_users|trend_signals|related_technologies|status|published_at|publish_at|created_at|updated_at|version)?)*[ \t]*$",
    include = "Comma-separated relations to embed in full: `related_technologies`."
        "Comma-separated relations to embed in full." r"^[ \t]*(related_technologies)?([ \t]*,[ \t]*(related_technologies)?)*[ \t]*$",
    extra {
        kind: Option<String>,
    }
);

crate::content::kind_type!(
    Technology,
    "/api/v1/technologies",
    Shape::TECHNOLOGY,
    "KindDoc"
);

crate::content_docs! {
    plural = "technologies", one = "technology", a = "a technology", view = TechnologyView,
    list = TechnologyList, list_params = ListParams, item_params = ItemParams
}
