//! Text values that are checked once, when they are parsed, and trusted afterwards.

use crate::limits::*;
use crate::FieldError;
use serde::{Deserialize, Serialize};

macro_rules! text_type {
    // A trimmed single line of 1 to `$max` characters.
    ($(#[$meta:meta])* $name:ident, $field:literal, line = $max:expr) => {
        text_type!($(#[$meta])* $name, $field);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, FieldError> {
                line(Self::FIELD, raw, $max).map(Self)
            }
        }
    };
    // Text of up to `$max` characters over several lines, trimmed when `$trim`.
    ($(#[$meta:meta])* $name:ident, $field:literal, text = $max:expr, trim = $trim:expr) => {
        text_type!($(#[$meta])* $name, $field);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, FieldError> {
                text(Self::FIELD, if $trim { raw.trim() } else { raw }, $max).map(Self)
            }
        }
    };
    ($(#[$meta:meta])* $name:ident, $field:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The field name used in error messages.
            pub const FIELD: &'static str = $field;

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = FieldError;
            fn try_from(value: String) -> Result<Self, FieldError> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

fn has_control(s: &str, allow_newlines: bool) -> bool {
    s.chars()
        .any(|c| c.is_control() && !(allow_newlines && matches!(c, '\n' | '\r' | '\t')))
}

/// Checks a trimmed single-line text of 1..=max characters.
fn line(field: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    if value.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if has_control(value, false) {
        return Err(FieldError::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(value.to_owned())
}

/// Checks a text of at most `max` characters that may span lines.
fn text(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    if value.chars().count() > max {
        return Err(FieldError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if has_control(value, true) {
        return Err(FieldError::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(value.to_owned())
}

text_type!(
    /// A URL path segment: 1 to 100 of lowercase ASCII letters, digits and single inner hyphens.
    Slug, "slug"
);

impl Slug {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let err = |m: &str| Err(FieldError::new(Self::FIELD, m));
        if raw.is_empty() {
            return err("must not be empty");
        }
        if raw.len() > SLUG_MAX {
            return Err(FieldError::new(
                Self::FIELD,
                format!("must be at most {SLUG_MAX} characters"),
            ));
        }
        if !raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return err("may contain only lowercase letters a-z, digits and hyphens");
        }
        if raw.starts_with('-') || raw.ends_with('-') || raw.contains("--") {
            return err("must not start or end with a hyphen or contain two in a row");
        }
        Ok(Self(raw.to_owned()))
    }

    /// Derives a slug from free text ("Elixir & Phoenix in 2023!" -> "elixir-phoenix-in-2023").
    pub fn from_text(text: &str) -> Self {
        let mut out = String::with_capacity(text.len().min(SLUG_MAX));
        let mut pending_hyphen = false;
        for c in text.chars().flat_map(fold_char) {
            if c.is_ascii_alphanumeric() {
                if pending_hyphen && !out.is_empty() {
                    out.push('-');
                }
                pending_hyphen = false;
                out.push(c.to_ascii_lowercase());
            } else {
                pending_hyphen = true;
            }
            if out.len() >= SLUG_MAX {
                break;
            }
        }
        out.truncate(SLUG_MAX);
        while out.ends_with('-') {
            out.pop();
        }
        if out.is_empty() {
            out.push_str("untitled");
        }
        Self(out)
    }

    /// The same slug with a numeric suffix, for resolving collisions ("go" -> "go-2").
    pub fn with_suffix(&self, n: u32) -> Self {
        let suffix = format!("-{n}");
        let mut base = self.0.clone();
        base.truncate(SLUG_MAX - suffix.len());
        while base.ends_with('-') {
            base.pop();
        }
        Self(format!("{base}{suffix}"))
    }
}

/// Folds common Latin letters with diacritics to ASCII so slugs stay readable.
fn fold_char(c: char) -> impl Iterator<Item = char> {
    let folded: &str = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'Ç' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'Ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        'ß' => "ss",
        '#' => "sharp",
        '+' => "plus",
        _ => "",
    };
    let single = if folded.is_empty() { Some(c) } else { None };
    folded.chars().chain(single)
}

text_type!(
    /// An email address, trimmed and lower-cased so that uniqueness is case-insensitive.
    Email, "email"
);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let value = raw.trim().to_lowercase();
        let err = |m: &str| Err(FieldError::new(Self::FIELD, m));
        if value.is_empty() {
            return err("must not be empty");
        }
        if value.len() > EMAIL_MAX {
            return Err(FieldError::new(
                Self::FIELD,
                format!("must be at most {EMAIL_MAX} characters"),
            ));
        }
        if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return err("must not contain spaces or control characters");
        }
        let Some((local, domain)) = value.split_once('@') else {
            return err("must look like name@example.com");
        };
        if local.is_empty() || local.len() > 64 || domain.is_empty() || domain.contains('@') {
            return err("must look like name@example.com");
        }
        if domain.starts_with(['.', '-'])
            || domain.ends_with(['.', '-'])
            || domain.contains("..")
            || !domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
        {
            return err("has an invalid domain");
        }
        Ok(Self(value))
    }
}

text_type!(
    /// An article title: 1 to 200 characters on one line.
    Title, "title", line = TITLE_MAX
);

text_type!(
    /// A technology's name: 1 to 100 characters on one line.
    Name, "name", line = NAME_MAX
);

text_type!(
    /// A person's display name: 1 to 100 characters on one line.
    DisplayName, "display_name", line = DISPLAY_NAME_MAX
);

text_type!(
    /// A short plain-text summary: up to 1,000 characters, may be empty.
    Summary, "summary", text = SUMMARY_MAX, trim = true
);

text_type!(
    /// A Markdown body: up to 200,000 characters, may be empty.
    Body, "body", text = BODY_MAX_CHARS, trim = false
);

text_type!(
    /// A tag: 1 to 50 lowercase letters, digits and hyphens (input is trimmed and lower-cased).
    Tag, "tags"
);

impl Tag {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let value = raw.trim().to_lowercase();
        if value.is_empty() {
            return Err(FieldError::new(Self::FIELD, "a tag must not be empty"));
        }
        if value.chars().count() > TAG_MAX {
            return Err(FieldError::new(
                Self::FIELD,
                format!("a tag must be at most {TAG_MAX} characters"),
            ));
        }
        if !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '+' || c == '#')
        {
            return Err(FieldError::new(
                Self::FIELD,
                "a tag may contain only letters a-z, digits, '-', '.', '+' and '#'",
            ));
        }
        Ok(Self(value))
    }

    /// Parses a list of tags: at most 20, duplicates removed, order kept.
    pub fn parse_list(raw: &[String]) -> Result<Vec<Tag>, FieldError> {
        if raw.len() > TAGS_MAX {
            return Err(FieldError::new(
                Self::FIELD,
                format!("at most {TAGS_MAX} tags are allowed"),
            ));
        }
        let mut out: Vec<Tag> = Vec::with_capacity(raw.len());
        for (i, t) in raw.iter().enumerate() {
            let tag = Tag::parse(t).map_err(|e| e.at(format!("tags[{i}]")))?;
            if !out.contains(&tag) {
                out.push(tag);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn slug_examples() {
        assert!(Slug::parse("elixir-and-phoenix-2023").is_ok());
        for bad in [
            "",
            "-a",
            "a-",
            "a--b",
            "A",
            "a b",
            "a_b",
            "é",
            &"a".repeat(101),
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            Slug::from_text("  Elixir & Phoenix in 2023! ").as_str(),
            "elixir-phoenix-in-2023"
        );
        assert_eq!(Slug::from_text("C# and C").as_str(), "csharp-and-c");
        assert_eq!(Slug::from_text("Café Crème").as_str(), "cafe-creme");
        assert_eq!(Slug::from_text("!!!").as_str(), "untitled");
        assert_eq!(Slug::from_text("go").with_suffix(2).as_str(), "go-2");
    }

    #[test]
    fn email_examples() {
        assert_eq!(
            Email::parse(" Ada@Example.COM ").unwrap().as_str(),
            "ada@example.com"
        );
        assert!(Email::parse("admin@localhost").is_ok());
        for bad in [
            "", "a", "@b.c", "a@", "a@@b", "a b@c.d", "a@-b.c", "a@b..c", "a@b.c.",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn title_examples() {
        assert_eq!(Title::parse("  Hello ").unwrap().as_str(), "Hello");
        assert!(Title::parse("   ").is_err());
        assert!(Title::parse("a\u{0}b").is_err());
        assert!(Title::parse(&"x".repeat(200)).is_ok());
        assert!(Title::parse(&"x".repeat(201)).is_err());
    }

    #[test]
    fn tags_are_normalised_and_deduplicated() {
        let tags = Tag::parse_list(&["Rust".into(), "rust".into(), "c#".into()]).unwrap();
        let names: Vec<_> = tags.iter().map(Tag::as_str).collect();
        assert_eq!(names, ["rust", "c#"]);
        let err = Tag::parse_list(&["ok".into(), "not ok".into()]).unwrap_err();
        assert_eq!(err.field, "tags[1]");
    }

    proptest! {
        #[test]
        fn derived_slugs_always_parse(text in "\\PC{0,300}") {
            let slug = Slug::from_text(&text);
            prop_assert!(Slug::parse(slug.as_str()).is_ok(), "{:?} -> {:?}", text, slug);
            for n in [2u32, 10, 4_000_000_000] {
                let suffixed = slug.with_suffix(n);
                prop_assert!(Slug::parse(suffixed.as_str()).is_ok());
            }
        }

        #[test]
        fn canonical_slugs_parse_and_derive_to_themselves(text in "[a-z0-9]{1,20}(-[a-z0-9]{1,20}){0,3}") {
            let parsed = Slug::parse(&text);
            prop_assert!(parsed.is_ok(), "{:?} did not parse", text);
            if let Ok(slug) = parsed {
                prop_assert_eq!(Slug::from_text(slug.as_str()), slug);
            }
        }

        #[test]
        fn parsed_emails_are_lowercase_and_round_trip(local in "[A-Za-z0-9._%+]{1,20}", domain in "[a-zA-Z0-9]{1,10}(\\.[a-z]{2,5})?") {
            let raw = format!("{local}@{domain}");
            let email = Email::parse(&raw).unwrap();
            prop_assert_eq!(email.as_str(), raw.to_lowercase());
            prop_assert_eq!(Email::parse(email.as_str()).unwrap(), email);
        }

        #[test]
        fn parsing_never_panics(text in "\\PC{0,400}") {
            let _ = Email::parse(&text);
            let _ = Title::parse(&text);
            let _ = Slug::parse(&text);
            let _ = Tag::parse(&text);
        }

        #[test]
        fn titles_are_trimmed_and_bounded(text in " {0,3}[A-Za-z][A-Za-z0-9 ,.!?]{0,150} {0,3}") {
            let parsed = Title::parse(&text);
            prop_assert!(parsed.is_ok(), "{:?} did not parse", text);
            if let Ok(title) = parsed {
                prop_assert_eq!(title.as_str(), text.trim());
                prop_assert!(title.as_str().chars().count() <= TITLE_MAX);
            }
        }
    }
}
