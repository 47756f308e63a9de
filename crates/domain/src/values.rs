//! Closed sets and small checked values.

use crate::limits::*;
use crate::FieldError;
use serde::{Deserialize, Serialize};

macro_rules! closed_set {
    ($(#[$meta:meta])* $name:ident, $field:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn parse(raw: &str) -> Result<Self, FieldError> {
                match raw {
                    $($text => Ok($name::$variant),)+
                    _ => Err(FieldError::new(
                        $field,
                        format!("must be one of: {}", [$($text),+].join(", ")),
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

closed_set!(
    /// What a user may do; see the service layer's permission model.
    Role, "role", { Admin => "admin", Editor => "editor", Author => "author" }
);

closed_set!(
    /// Where a piece of content is in the editorial workflow.
    ContentStatus, "status", { Draft => "draft", Published => "published", Archived => "archived" }
);

closed_set!(
    /// What sort of thing a technology profile describes.
    TechKind, "kind", {
        Language => "language",
        Framework => "framework",
        Runtime => "runtime",
        Platform => "platform",
        Database => "database",
        Architecture => "architecture",
        Practice => "practice",
        Tool => "tool",
        Category => "category",
    }
);

closed_set!(
    /// What sort of publication a source is.
    SourceKind, "kind", {
        Article => "article",
        Survey => "survey",
        Report => "report",
        Book => "book",
        Dataset => "dataset",
        Talk => "talk",
        Website => "website",
    }
);

closed_set!(
    /// The content types: what the change feed, revisions, search, sync and webhooks speak of.
    Kind, "type", { Article => "article", Technology => "technology", Source => "source", Asset => "asset" }
);

/// An absolute http or https URL of at most 2,048 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HttpUrl(String);

impl HttpUrl {
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let value = raw;
        let err = |m: &str| Err(FieldError::new(field, m));
        if value.len() > URL_MAX {
            return Err(FieldError::new(
                field,
                format!("must be at most {URL_MAX} characters"),
            ));
        }
        let lower = value.to_ascii_lowercase();
        let rest = if let Some(rest) = lower.strip_prefix("https://") {
            rest
        } else if let Some(rest) = lower.strip_prefix("http://") {
            rest
        } else {
            return err("must be an absolute http:// or https:// URL");
        };
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = host.rsplit('@').next().unwrap_or_default();
        if host.is_empty() || host.starts_with(':') || host.contains(['\\']) {
            return err("must name a host");
        }
        if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return err("must not contain spaces or control characters");
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for HttpUrl {
    type Error = FieldError;
    fn try_from(value: String) -> Result<Self, FieldError> {
        Self::parse("url", &value)
    }
}

impl From<HttpUrl> for String {
    fn from(value: HttpUrl) -> String {
        value.0
    }
}

/// A calendar year between 1900 and 2100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Year(i32);

impl Year {
    pub fn parse(field: &str, raw: i64) -> Result<Self, FieldError> {
        if (YEAR_MIN as i64..=YEAR_MAX as i64).contains(&raw) {
            Ok(Self(raw as i32))
        } else {
            Err(FieldError::new(
                field,
                format!("must be a year from {YEAR_MIN} to {YEAR_MAX}"),
            ))
        }
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

/// A dated figure about a technology, with where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrendSignal {
    /// What was measured, e.g. "growth in employer skill assessments".
    pub metric: String,
    pub value: f64,
    /// e.g. "percent", "downloads per week".
    pub unit: String,
    /// When, e.g. "2021" or "2018-2020".
    pub period: String,
    /// The slug of the source that published the figure.
    pub source: String,
}

impl TrendSignal {
    /// Checks one signal; `field` locates it in the input (e.g. `trend_signals[0]`).
    pub fn validate(&self, field: &str) -> Result<(), FieldError> {
        if let Err(e) = crate::Slug::parse(&self.source) {
            return Err(e.at(format!("{field}.source")));
        }
        for (name, value, max) in [
            ("metric", &self.metric, 200),
            ("unit", &self.unit, 50),
            ("period", &self.period, 50),
        ] {
            let trimmed = value.trim();
            if trimmed.is_empty() || trimmed.chars().count() > max {
                return Err(FieldError::new(
                    format!("{field}.{name}"),
                    format!("must be 1 to {max} characters"),
                ));
            }
        }
        if !self.value.is_finite() {
            return Err(FieldError::new(
                format!("{field}.value"),
                "must be a finite number",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_sets_round_trip() {
        for kind in TechKind::ALL {
            assert_eq!(TechKind::parse(kind.as_str()).unwrap(), *kind);
        }
        let err = Role::parse("root").unwrap_err();
        assert_eq!(err.field, "role");
        assert!(err.message.contains("admin, editor, author"));
    }

    #[test]
    fn urls() {
        assert!(HttpUrl::parse("u", "https://www.djangoproject.com/").is_ok());
        assert!(HttpUrl::parse("u", "HTTP://EXAMPLE.COM").is_ok());
        for bad in [
            "javascript:alert(1)",
            "ftp://x",
            "https://",
            "https:///x",
            "//x.y",
            "https://a b",
        ] {
            assert!(HttpUrl::parse("u", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn years() {
        assert!(Year::parse("y", 2009).is_ok());
        assert!(Year::parse("y", 1899).is_err());
        assert!(Year::parse("y", 99999).is_err());
    }
}

/// A point in time as people type it in a filter: a date (`2023-07-01`, the start of that day
/// in UTC) or an RFC 3339 time (`2023-07-01T09:00:00Z`).
pub fn parse_instant(field: &str, raw: &str) -> Result<chrono::DateTime<chrono::Utc>, FieldError> {
    let raw = raw.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(raw) {
        return Ok(t.with_timezone(&chrono::Utc));
    }
    chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| {
            FieldError::new(
                field,
                "must be a date (2023-07-01) or an RFC 3339 time (2023-07-01T09:00:00Z)",
            )
        })
}

#[cfg(test)]
mod instant_tests {
    #[test]
    fn dates_and_times_both_parse() {
        let day = super::parse_instant("f", "2023-07-01").unwrap();
        assert_eq!(day.to_rfc3339(), "2023-07-01T00:00:00+00:00");
        let t = super::parse_instant("f", "2023-07-01T09:30:00+02:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2023-07-01T07:30:00+00:00");
        assert!(super::parse_instant("f", "2023-13-01").is_err());
        assert!(super::parse_instant("f", "yesterday").is_err());
    }
}
