//! The filter language as `where:` inputs, one per type with the fields its declaration makes
//! filterable. An input is turned into the filter language's JSON and parsed by the service,
//! exactly as REST's `filter=`; a drift test holds the inputs to the declarations.

use crate::error::bad_input;
use crate::scalars::Timestamp;
use crate::sources::SourceKind;
use crate::types::{ContentStatus, ServiceName, TechnologyKind};
use async_graphql::{InputObject, ID};
use serde_json::{Map, Value};

type Result<T> = async_graphql::Result<T>;

/// A value of a condition, as the filter language writes it.
pub trait ToFilter {
    fn to_filter(&self) -> Result<Value>;
}

macro_rules! plain {
    ($($ty:ty),*) => {$(
        impl ToFilter for $ty {
            fn to_filter(&self) -> Result<Value> {
                Ok(self.clone().into())
            }
        }
    )*};
}
plain!(String, i32, bool);

impl ToFilter for Timestamp {
    fn to_filter(&self) -> Result<Value> {
        Ok(self.0.to_rfc3339().into())
    }
}

/// A global id becomes the id it encodes.
impl ToFilter for ID {
    fn to_filter(&self) -> Result<Value> {
        match crate::ids::decode(self) {
            Some((_, id)) => Ok(id.to_string().into()),
            None => Err(bad_input(
                lectern_service::Code::InvalidId,
                "not a global id",
            )),
        }
    }
}

macro_rules! named {
    ($($ty:ty),*) => {$(
        impl ToFilter for $ty {
            fn to_filter(&self) -> Result<Value> {
                Ok(self.service_name().into())
            }
        }
    )*};
}
named!(ContentStatus, TechnologyKind, SourceKind);

impl<T: ToFilter> ToFilter for Vec<T> {
    fn to_filter(&self) -> Result<Value> {
        Ok(Value::Array(
            self.iter().map(T::to_filter).collect::<Result<_>>()?,
        ))
    }
}

impl<T: ToFilter> ToFilter for Box<T> {
    fn to_filter(&self) -> Result<Value> {
        T::to_filter(self)
    }
}

fn put<T: ToFilter>(map: &mut Map<String, Value>, key: &str, value: &Option<T>) -> Result<()> {
    if let Some(v) = value {
        map.insert(key.to_owned(), v.to_filter()?);
    }
    Ok(())
}

/// A condition on one field: every operator given must hold.
macro_rules! condition {
    ($name:ident, $v:ty, $doc:literal { $($op:ident: $t:ty),* }) => {
        #[doc = $doc]
        #[derive(InputObject, Clone, Default)]
        pub struct $name {
            pub eq: Option<$v>,
            pub ne: Option<$v>,
            #[graphql(name = "in")]
            pub in_: Option<Vec<$v>>,
            pub nin: Option<Vec<$v>>,
            $(pub $op: Option<$t>,)*
            /// `true`: the field has no value; `false`: it has one.
            pub is_null: Option<bool>,
        }

        impl ToFilter for $name {
            fn to_filter(&self) -> Result<Value> {
                let mut map = Map::new();
                put(&mut map, "eq", &self.eq)?;
                put(&mut map, "ne", &self.ne)?;
                put(&mut map, "in", &self.in_)?;
                put(&mut map, "nin", &self.nin)?;
                $(put(&mut map, stringify!($op), &self.$op)?;)*
                put(&mut map, "is_null", &self.is_null)?;
                Ok(Value::Object(map))
            }
        }
    };
}

condition!(StringCondition, String, "A condition on text; `contains` and `startsWith` ignore case." {
    lt: String, lte: String, gt: String, gte: String, contains: String, starts_with: String
});
condition!(SlugCondition, String, "A condition on a slug or a tag (compared lower-cased)." {
    starts_with: String
});
condition!(IdCondition, ID, "A condition on an id." {});
condition!(IntCondition, i32, "A condition on a number." { lt: i32, lte: i32, gt: i32, gte: i32 });
condition!(DateTimeCondition, Timestamp, "A condition on a time." {
    lt: Timestamp, lte: Timestamp, gt: Timestamp, gte: Timestamp
});
condition!(DateCondition, String, "A condition on a date, `YYYY-MM-DD`." {
    lt: String, lte: String, gt: String, gte: String
});
condition!(StatusCondition, ContentStatus, "A condition on a status." {});
condition!(TechnologyKindCondition, TechnologyKind, "A condition on a technology's kind." {});
condition!(SourceKindCondition, SourceKind, "A condition on a source's kind." {});

/// A type's `where:` input: its filterable fields, and `and`, `or`, `not`.
macro_rules! where_input {
    ($name:ident, $doc:literal { $($field:ident: $t:ty),* $(,)? }) => {
        #[doc = $doc]
        #[derive(InputObject, Clone, Default)]
        pub struct $name {
            // Boxed: the inputs of related types refer to each other.
            $(pub $field: Option<Box<$t>>,)*
            /// Every one of these filters holds.
            pub and: Option<Vec<$name>>,
            /// At least one of these filters holds.
            pub or: Option<Vec<$name>>,
            /// This filter does not hold.
            pub not: Option<Box<$name>>,
        }

        impl ToFilter for $name {
            fn to_filter(&self) -> Result<Value> {
                let mut map = Map::new();
                $(put(&mut map, stringify!($field), &self.$field)?;)*
                put(&mut map, "and", &self.and)?;
                put(&mut map, "or", &self.or)?;
                put(&mut map, "not", &self.not)?;
                Ok(Value::Object(map))
            }
        }

        impl $name {
            /// The names of its fields, as the filter language writes them.
            #[cfg(test)]
            pub const FIELDS: &'static [&'static str] = &[$(stringify!($field)),*];
        }
    };
}

where_input!(ArticleWhere, "Which articles: every field given must hold; a relation matches when one of the related items the caller may read does." {
    id: IdCondition, slug: SlugCondition, title: StringCondition, status: StatusCondition,
    published_at: DateTimeCondition, created_at: DateTimeCondition, updated_at: DateTimeCondition,
    summary: StringCondition, tags: SlugCondition, technologies: TechnologyWhere,
    sources: SourceWhere, author: UserWhere,
});
where_input!(TechnologyWhere, "Which technologies: every field given must hold; a relation matches when one of the related items the caller may read does." {
    id: IdCondition, slug: SlugCondition, name: StringCondition, status: StatusCondition,
    published_at: DateTimeCondition, created_at: DateTimeCondition, updated_at: DateTimeCondition,
    summary: StringCondition, kind: TechnologyKindCondition, first_released: IntCondition,
    primary_language: StringCondition, steward: StringCondition,
    related_technologies: TechnologyWhere, articles: ArticleWhere, sources: SourceWhere,
});
where_input!(SourceWhere, "Which sources: every field given must hold; a relation matches when one of the related items the caller may read does." {
    id: IdCondition, slug: SlugCondition, title: StringCondition, status: StatusCondition,
    published_at: DateTimeCondition, created_at: DateTimeCondition, updated_at: DateTimeCondition,
    note: StringCondition, publisher: StringCondition, url: StringCondition,
    published_on: DateCondition, kind: SourceKindCondition,
    articles: ArticleWhere, technologies: TechnologyWhere,
});
where_input!(UserWhere, "Which authors; `email` is for admins only." {
    id: IdCondition, display_name: StringCondition, email: StringCondition,
});

/// The filter of an optional `where:` argument.
pub fn filter<W: ToFilter>(input: Option<W>) -> Result<Option<Value>> {
    input.map(|w| w.to_filter()).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lectern_service::filter::{fields, USER_FIELDS};

    fn names(fields: &[lectern_service::filter::Field]) -> Vec<&'static str> {
        fields.iter().map(|f| f.name).collect()
    }

    /// Each `where:` input has exactly the fields the type's declaration makes filterable.
    #[test]
    fn where_inputs_match_the_declarations() {
        assert_eq!(
            ArticleWhere::FIELDS,
            names(fields::<lectern_service::Article>())
        );
        assert_eq!(
            TechnologyWhere::FIELDS,
            names(fields::<lectern_service::Technology>())
        );
        assert_eq!(
            SourceWhere::FIELDS,
            names(fields::<lectern_service::Source>())
        );
        assert_eq!(UserWhere::FIELDS, names(USER_FIELDS));
    }
}
