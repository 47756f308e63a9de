//! `/api/v1/sources`: the source type's REST declaration.

use crate::bodies::{Body, Field, Kind::*, NULLABLE, REQUIRED};
use crate::shape::Shape;
use lectern_service::Source;

const BODY: Body = Body {
    create: "SourceCreate",
    update: "SourceUpdate",
    docs: [
        "A new source (editors).",
        "A JSON merge patch of a source; `null` clears the optional facts.",
    ],
    examples: [
        r#"{"title": "Top Back-End Development Trends for 2023", "authors": ["Daichi Toyoda"], "published_on": "2023-07-11", "kind": "article"}"#,
        r#"{"publisher": "Medium"}"#,
    ],
    fields: &[
        Field("title", Line(200), REQUIRED, ""),
        Field("slug", Slug, 0, ""),
        Field("authors", List(&Line(200)), 0, ""),
        Field("publisher", Line(200), NULLABLE, ""),
        Field("url", Url, NULLABLE, ""),
        Field("published_on", Date, NULLABLE, "A date, `YYYY-MM-DD`."),
        Field("kind", Ref("SourceKindDoc"), 0, ""),
        Field("note", Text(1000), 0, ""),
        Field("status", Ref("StatusDoc"), 0, ""),
    ],
};

crate::content_params!(
    q = "Case-insensitive text in the title or note.",
    fields = "Comma-separated fields to return, e.g. `id,slug,title`." r"^[ \t]*(id|slug|title|authors|publisher|url|published_on|kind|note|status|published_at|publish_at|created_at|updated_at|version)?([ \t]*,[ \t]*(id|slug|title|authors|publisher|url|published_on|kind|note|status|published_at|publish_at|created_at|updated_at|version)?)*[ \t]*$",
    include = "Sources embed no relations: only an empty list is accepted."
        "Sources embed no relations: only an empty list is accepted." r"^[ \t,]*$",
    extra {
        kind: Option<String>,
    }
);

crate::content::kind_type!(Source, "/api/v1/sources", Shape::SOURCE, "SourceKindDoc");

crate::content_docs! {
    plural = "sources", one = "source", a = "a source", view = SourceView, list = SourceList,
    list_params = ListParams, item_params = ItemParams
}
