//! Scalars whose descriptions tell a client what to send.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{DateTime, Utc};

/// A point in time (`chrono`'s UTC time), under the GraphQL name `DateTime`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub DateTime<Utc>);

/// A point in time, as an RFC 3339 string: `2026-12-01T09:00:00+00:00` in answers (always
/// UTC). Arguments take any RFC 3339 time (`2026-12-01T10:00:00+01:00`, `...Z`) or a plain
/// date, `2026-12-01`, meaning the start of that day in UTC.
#[Scalar(
    name = "DateTime",
    specified_by_url = "https://datatracker.ietf.org/doc/html/rfc3339"
)]
impl ScalarType for Timestamp {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => lectern_domain::parse_instant("DateTime", s)
                .map(Timestamp)
                .map_err(|e| InputValueError::custom(e.message)),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339())
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(t: DateTime<Utc>) -> Self {
        Timestamp(t)
    }
}
