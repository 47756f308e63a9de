//! Locales: the languages content is written in, as BCP 47 tags, and the order in which a
//! reader's language falls back to others when an item has no translation in it.

use crate::FieldError;
use serde::{Deserialize, Serialize};

/// A well-formed BCP 47 language tag in its conventional case (`de-CH`, `zh-Hant-TW`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Locale(String);

impl Locale {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let err = |m: &str| FieldError::new("locale", m);
        if raw.len() > 35 {
            return Err(err(
                "must be a BCP 47 language tag of at most 35 characters",
            ));
        }
        let tag = language_tags::LanguageTag::parse(raw)
            .map_err(|e| err(&format!("'{raw}' is not a BCP 47 language tag ({e})")))?;
        if tag.private_use() == Some(tag.as_str()) {
            return Err(err("a private-use tag names no language"));
        }
        let parts: Vec<String> = raw
            .split('-')
            .enumerate()
            .map(|(n, p)| match (n, p.len()) {
                (0, _) => p.to_ascii_lowercase(),
                (_, 2) | (_, 3) if p.chars().all(|c| c.is_ascii_alphabetic()) && n > 0 => {
                    if p.len() == 2 {
                        p.to_ascii_uppercase()
                    } else {
                        p.to_ascii_lowercase()
                    }
                }
                (_, 4) if p.chars().all(|c| c.is_ascii_alphabetic()) => {
                    let lower = p.to_ascii_lowercase();
                    lower[..1].to_ascii_uppercase() + &lower[1..]
                }
                _ => p.to_ascii_lowercase(),
            })
            .collect();
        Ok(Self(parts.join("-")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The language without script or region (`de` of `de-CH`).
    pub fn language(&self) -> &str {
        self.0.split('-').next().unwrap_or_default()
    }
}

impl std::fmt::Display for Locale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Locale {
    type Error = FieldError;
    fn try_from(value: String) -> Result<Self, FieldError> {
        Self::parse(&value)
    }
}

impl From<Locale> for String {
    fn from(value: Locale) -> String {
        value.0
    }
}

/// The configured locales: the first is the default, the language of every entry; each
/// other one has the chain of locales its readers fall back to, which always ends with the
/// default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locales {
    all: Vec<(Locale, Vec<Locale>)>,
}

impl Default for Locales {
    fn default() -> Self {
        Self {
            all: vec![(Locale("en".into()), vec![])],
        }
    }
}

impl Locales {
    /// Reads `en,fr,de,de-CH->de`: a comma-separated list, the first the default, each tag
    /// optionally followed by `->` and the locales it falls back to before the default.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut tags: Vec<(Locale, Vec<String>)> = Vec::new();
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let mut steps = item.split("->").map(str::trim);
            let tag = Locale::parse(steps.next().unwrap_or_default()).map_err(|e| e.message)?;
            if tags.iter().any(|(t, _)| *t == tag) {
                return Err(format!("the locale {tag} is listed twice"));
            }
            tags.push((tag, steps.map(str::to_owned).collect()));
        }
        let Some(default) = tags.first().map(|(t, _)| t.clone()) else {
            return Err("at least one locale is needed".into());
        };
        let known: Vec<Locale> = tags.iter().map(|(t, _)| t.clone()).collect();
        let mut all = Vec::new();
        for (tag, steps) in tags {
            let mut chain = Vec::new();
            for step in steps {
                let step = Locale::parse(&step).map_err(|e| e.message)?;
                if !known.contains(&step) {
                    return Err(format!("{tag} falls back to {step}, which is not listed"));
                }
                if step != tag && step != default && !chain.contains(&step) {
                    chain.push(step);
                }
            }
            if tag != default {
                chain.push(default.clone());
            }
            all.push((tag, chain));
        }
        Ok(Self { all })
    }

    pub fn default_locale(&self) -> &Locale {
        &self.all[0].0
    }

    pub fn is_default(&self, locale: &Locale) -> bool {
        locale == self.default_locale()
    }

    pub fn all(&self) -> impl Iterator<Item = &Locale> {
        self.all.iter().map(|(t, _)| t)
    }

    /// Whether more than the default is configured.
    pub fn several(&self) -> bool {
        self.all.len() > 1
    }

    /// The configured locale a tag names, whatever its case.
    pub fn find(&self, raw: &str) -> Option<&Locale> {
        self.all().find(|t| t.as_str().eq_ignore_ascii_case(raw))
    }

    /// The locale's fallbacks, in order, without the locale itself.
    pub fn fallbacks(&self, locale: &Locale) -> &[Locale] {
        (self.all.iter().find(|(t, _)| t == locale)).map_or(&[], |(_, c)| c.as_slice())
    }

    /// The locale, then where it falls back to.
    pub fn chain(&self, locale: &Locale) -> Vec<Locale> {
        std::iter::once(locale.clone())
            .chain(self.fallbacks(locale).iter().cloned())
            .collect()
    }

    /// The best configured locale for an `Accept-Language` header (RFC 4647 lookup), if the
    /// header names any.
    pub fn negotiate(&self, header: &str) -> Option<&Locale> {
        let mut ranges: Vec<(f32, usize, &str)> = header
            .split(',')
            .enumerate()
            .filter_map(|(n, part)| {
                let mut pieces = part.split(';').map(str::trim);
                let range = pieces.next().filter(|r| !r.is_empty() && r.len() <= 35)?;
                let q = pieces
                    .find_map(|p| p.strip_prefix("q="))
                    .map_or(Some(1.0), |q| q.parse::<f32>().ok())?;
                (q > 0.0).then_some((q, n, range))
            })
            .collect();
        ranges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        for (_, _, range) in ranges {
            if range == "*" {
                return Some(self.default_locale());
            }
            let mut candidate = range;
            loop {
                if let Some(found) = self.find(candidate) {
                    return Some(found);
                }
                match candidate.rfind('-') {
                    Some(cut) => candidate = &candidate[..cut],
                    None => break,
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_validated_and_put_in_their_usual_case() {
        assert_eq!(Locale::parse("de-ch").unwrap().as_str(), "de-CH");
        assert_eq!(Locale::parse("ZH-hant-tw").unwrap().as_str(), "zh-Hant-TW");
        assert_eq!(Locale::parse("es-419").unwrap().as_str(), "es-419");
        for bad in [
            "",
            "e",
            "en_US",
            "en--US",
            "fr-",
            "x-private",
            "a".repeat(40).as_str(),
        ] {
            assert!(Locale::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn chains_end_with_the_default() {
        let l = Locales::parse("en, fr, de, de-CH->de").unwrap();
        let de_ch = l.find("de-ch").unwrap().clone();
        let chain: Vec<String> = l.chain(&de_ch).into_iter().map(String::from).collect();
        assert_eq!(chain, ["de-CH", "de", "en"]);
        assert_eq!(l.chain(l.default_locale()).len(), 1);
        assert!(Locales::parse("en,de-CH->de").is_err());
        assert!(Locales::parse("en,fr,fr").is_err());
        assert!(Locales::parse("").is_err());
    }

    #[test]
    fn accept_language_picks_the_best_configured_locale() {
        let l = Locales::parse("en,fr,de-CH->de,de").unwrap();
        let pick = |h: &str| l.negotiate(h).map(|t| t.as_str().to_owned());
        assert_eq!(pick("fr-CA, en;q=0.5").as_deref(), Some("fr"));
        assert_eq!(pick("de-CH").as_deref(), Some("de-CH"));
        assert_eq!(pick("it, de;q=0.9").as_deref(), Some("de"));
        assert_eq!(pick("en;q=0.2, fr;q=0.8").as_deref(), Some("fr"));
        assert_eq!(pick("it").as_deref(), None);
        assert_eq!(pick("*").as_deref(), Some("en"));
        assert_eq!(pick("fr;q=0").as_deref(), None);
    }
}
