//! `/api/v1/sources`: the source type's REST declaration.

use crate::content::{ListRequest, RestType};
use crate::problem::ApiResult;
use crate::shape::Shape;
use actix_web::web;
use lectern_service::{Caller, Service, Source, SourceParams};

crate::content_params!(
    sort = SourceSort,
    q = "Case-insensitive text in the title or note.",
    fields = "Comma-separated fields to return, e.g. `id,slug,title`." r"^[ \t]*(id|slug|title|authors|publisher|url|published_on|kind|note|status|published_at|publish_at|created_at|updated_at|version)?([ \t]*,[ \t]*(id|slug|title|authors|publisher|url|published_on|kind|note|status|published_at|publish_at|created_at|updated_at|version)?)*[ \t]*$",
    include = "Sources embed no relations: only an empty list is accepted."
        "Sources embed no relations: only an empty list is accepted." r"^[ \t,]*$",
    extra {
        #[param(value_type = Option<crate::openapi::SourceKindDoc>)]
        kind: Option<String>,
    }
);

impl RestType for Source {
    const COLLECTION: &'static str = "/api/v1/sources";
    const FIELDS: Shape = Shape::SOURCE;
    type ListParams = ListParams;

    async fn list_request(
        _service: &Service,
        _caller: &Caller,
        p: ListParams,
    ) -> ApiResult<ListRequest<SourceParams>> {
        let (request, x) = p.split();
        Ok(request.with(SourceParams { kind: x.kind }))
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    crate::content::mount::<Source>(cfg, "sources");
}

crate::content_docs!(
    plural = "sources",
    one = "source",
    a = "a source",
    view = SourceView,
    list = SourceList,
    create = SourceCreate,
    update = SourceUpdate,
    list_params = ListParams,
    item_params = ItemParams
);
