#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]
//! Lectern's domain: types that are valid by construction, and the rules that need no I/O.
//!
//! Everything that reaches the service layer has been parsed into these types first, so the
//! rest of the code never re-checks a slug, an email or a title.

mod error;
mod ids;
mod locale;
mod markdown;
mod text;
mod values;

pub use error::{FieldError, ValidationErrors};
pub use ids::UserId;
pub use locale::{Locale, Locales};
pub use markdown::{
    asset_id, asset_references, plain_text, render_markdown, render_markdown_with, KnownImage,
};
pub use text::{Body, DisplayName, Email, Name, Slug, Summary, Tag, Title};
pub use values::{
    parse_instant, ContentStatus, HttpUrl, Kind, Role, SourceKind, TechKind, TrendSignal, Year,
};

/// Upper bounds shared by validation and documentation.
pub mod limits {
    pub const TITLE_MAX: usize = 200;
    pub const NAME_MAX: usize = 100;
    pub const SLUG_MAX: usize = 100;
    pub const SUMMARY_MAX: usize = 1_000;
    pub const BODY_MAX_CHARS: usize = 200_000;
    pub const TAG_MAX: usize = 50;
    pub const TAGS_MAX: usize = 20;
    pub const URL_MAX: usize = 2_048;
    pub const EMAIL_MAX: usize = 254;
    pub const DISPLAY_NAME_MAX: usize = 100;
    pub const LIST_ITEMS_MAX: usize = 50;
    pub const YEAR_MIN: i32 = 1900;
    pub const YEAR_MAX: i32 = 2100;
}
