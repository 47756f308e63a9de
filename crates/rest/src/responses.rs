//! Reusable sets of error responses for the OpenAPI document: each operation lists the sets
//! that apply to it instead of repeating the same lines.

#![allow(dead_code)] // the variants exist for their OpenAPI descriptions

use crate::openapi::Problem;
use utoipa::IntoResponses;

/// What any authenticated-or-not request can meet.
#[derive(IntoResponses)]
pub enum Common {
    #[response(
        status = 400,
        description = "malformed request: a bad parameter, cursor or JSON",
        content_type = "application/problem+json"
    )]
    BadRequest(Problem),
    #[response(status = 401, description = "missing or invalid credentials", content_type = "application/problem+json", headers(("WWW-Authenticate" = String, description = "Bearer")))]
    Unauthenticated(Problem),
    #[response(
        status = 503,
        description = "the database is unavailable",
        content_type = "application/problem+json"
    )]
    Unavailable(Problem),
}

/// The caller is known but may not do this.
#[derive(IntoResponses)]
#[response(
    status = 403,
    description = "the caller may not do this",
    content_type = "application/problem+json"
)]
pub struct Forbidden(Problem);

/// The item is missing, or hidden from the caller.
#[derive(IntoResponses)]
#[response(
    status = 404,
    description = "no such item, or one the caller may not know of",
    content_type = "application/problem+json"
)]
pub struct NotFound(Problem);

/// A unique value or an Idempotency-Key is taken.
#[derive(IntoResponses)]
#[response(
    status = 409,
    description = "conflict: a slug or email already taken, or the same Idempotency-Key in flight",
    content_type = "application/problem+json"
)]
pub struct Conflict(Problem);

/// What a request with a JSON body can meet.
#[derive(IntoResponses)]
pub enum Body {
    #[response(
        status = 413,
        description = "the body is too large",
        content_type = "application/problem+json"
    )]
    TooLarge(Problem),
    #[response(
        status = 415,
        description = "the body is not application/json",
        content_type = "application/problem+json"
    )]
    NotJson(Problem),
    #[response(
        status = 422,
        description = "invalid fields, listed in errors",
        content_type = "application/problem+json"
    )]
    Invalid(Problem),
}

/// What a change to a versioned item can meet.
#[derive(IntoResponses)]
pub enum Versioned {
    #[response(
        status = 412,
        description = "If-Match names an older version: reload and retry",
        content_type = "application/problem+json"
    )]
    Stale(Problem),
    #[response(
        status = 428,
        description = "If-Match (or version in the body) is required",
        content_type = "application/problem+json"
    )]
    Required(Problem),
}
