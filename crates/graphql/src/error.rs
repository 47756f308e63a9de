//! Service errors as GraphQL errors: the message the REST problem would carry, and the same
//! stable code in `extensions.code`. Validation errors list their fields (camelCase, the
//! names of the GraphQL inputs) in `extensions.fields`.

use async_graphql::{ErrorExtensions, Value};
use lectern_service::Error;

pub fn to_gql(error: Error) -> async_graphql::Error {
    match &error {
        Error::Internal(detail) => tracing::error!(%detail, "internal error in a GraphQL resolver"),
        Error::Database(e) => tracing::error!(
            error = %lectern_service::Chain(e),
            "database error in a GraphQL resolver"
        ),
        _ => {}
    }
    let message = match &error {
        Error::Validation(fields) => {
            let parts: Vec<String> = fields
                .iter()
                .map(|f| format!("{}: {}", camel(&f.field), f.message))
                .collect();
            format!("the input has invalid fields ({})", parts.join("; "))
        }
        other => other.to_string(),
    };
    async_graphql::Error::new(message).extend_with(|_, ext| {
        ext.set("code", error.code().as_str());
        match &error {
            Error::Validation(fields) => {
                let list: Vec<Value> = (fields.iter())
                    .map(|f| async_graphql::value!({"field": camel(&f.field), "message": f.message.clone()}))
                    .collect();
                ext.set("fields", Value::List(list));
            }
            Error::Moved { slug } => ext.set("slug", slug.clone()),
            Error::RateLimited { retry_after_secs } => ext.set("retryAfter", *retry_after_secs),
            _ => {}
        }
    })
}

/// A client error found in the adapter itself (a bad id or argument combination).
pub fn bad_input(code: lectern_service::Code, message: impl Into<String>) -> async_graphql::Error {
    to_gql(Error::bad_request(code, message))
}

/// `cover_image_url` -> `coverImageUrl`, `trend_signals[0].metric` -> `trendSignals[0].metric`.
pub fn camel(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut upper = false;
    for c in field.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Shorthand for resolvers: `service_call().await.map_err(to_gql)`.
pub trait Gql<T> {
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> Gql<T> for Result<T, Error> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(to_gql)
    }
}

/// A request-level error with its stable code in `extensions.code`.
pub fn coded(
    message: impl Into<String>,
    code: lectern_service::Code,
) -> async_graphql::ServerError {
    let mut e = async_graphql::ServerError::new(message, None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", code.as_str());
    e.extensions = Some(ext);
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_fields() {
        assert_eq!(camel("cover_image_url"), "coverImageUrl");
        assert_eq!(camel("trend_signals[0].metric"), "trendSignals[0].metric");
        assert_eq!(camel("title"), "title");
    }
}
