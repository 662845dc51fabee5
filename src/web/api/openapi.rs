//! The OpenAPI 3.1 description of `/api/v1`, built from each handler's
//! `#[utoipa::path]` and the named types it takes and returns, so the
//! document cannot drift from the code by hand. Each API module keeps a
//! `Doc` listing its handlers; this one nests them under `/api/v1` and adds
//! what every operation shares: the bearer scheme and the problem+json
//! errors.

use std::sync::OnceLock;

use actix_web::HttpResponse;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::web::errors::{FieldMessage, Problem};

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/openapi.json", openapi_json);
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Sala",
        description = "Sala's JSON API: communities of practice, threaded discussion, resolution, the knowledge \
                       base, moderation and search. Sign in with `POST /api/v1/auth/login` and send the token as \
                       `Authorization: Bearer <token>`. Errors are `application/problem+json` (RFC 9457), their \
                       `detail` in the caller's language (`Accept-Language`: `th` or `en`).",
        license(name = "MIT", identifier = "MIT"),
    ),
    paths(openapi_json),
    nest(
        (path = "/api/v1", api = super::accounts::Doc),
        (path = "/api/v1", api = super::answer_invitations::Doc),
        (path = "/api/v1", api = super::experts::Doc),
        (path = "/api/v1", api = super::insights::Doc),
        (path = "/api/v1", api = super::files::Doc),
        (path = "/api/v1", api = super::forum::Doc),
        (path = "/api/v1", api = super::invitations::Doc),
        (path = "/api/v1", api = super::km_plans::Doc),
        (path = "/api/v1", api = super::knowledge::Doc),
        (path = "/api/v1", api = super::moderation::Doc),
        (path = "/api/v1", api = super::search::Doc),
        (path = "/api/v1", api = super::search_words::Doc),
        (path = "/api/v1", api = super::watches::Doc),
    ),
    components(schemas(Problem, FieldMessage)),
    modifiers(&SharedConventions),
    tags(
        (name = "accounts", description = "Signing up and in, sessions, the caller's account and notifications"),
        (name = "forum", description = "Communities, boards, threads and posts"),
        (name = "knowledge", description = "Resolving threads and the curated knowledge base"),
        (name = "moderation", description = "Flags, decisions, warnings, suspensions and the audit log"),
        (name = "search", description = "Thai and English search"),
        (name = "insights", description = "KM figures, gaps and recognition for a period"),
        (name = "km", description = "The organisation's KM plans: scopes, knowledge areas, activities, indicators, review and reporting rounds"),
        (name = "watching", description = "Threads, boards, communities and tags the caller watches"),
        (name = "meta", description = "This description"),
    ),
)]
struct ApiDoc;

/// The whole description; built once, it never changes while Sala runs.
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOCUMENT: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOCUMENT.get_or_init(ApiDoc::openapi)
}

/// This document: the OpenAPI 3.1 description of the API.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json",
        body = Object)))]
async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(document())
}

const BEARER: &str = "bearer";
const PROBLEM_JSON: &str = "application/problem+json";

/// Adds to every operation what the handlers share rather than repeat:
/// the bearer scheme (required where the handler says so, optional
/// elsewhere: a signed-in caller may see more) and the problem+json errors
/// each kind of operation can answer with.
struct SharedConventions;

impl Modify for SharedConventions {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The token from `POST /api/v1/auth/login`"))
                    .build(),
            ),
        );
        for item in api.paths.paths.values_mut() {
            for (method, operation) in operations(item) {
                add_errors(method, operation);
            }
        }
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = (&'static str, &mut Operation)> {
    [
        ("GET", item.get.as_mut()),
        ("POST", item.post.as_mut()),
        ("PUT", item.put.as_mut()),
        ("PATCH", item.patch.as_mut()),
        ("DELETE", item.delete.as_mut()),
    ]
    .into_iter()
    .filter_map(|(method, op)| op.map(|op| (method, op)))
}

fn add_errors(method: &str, operation: &mut Operation) {
    let signed_in = operation.security.is_some();
    if !signed_in {
        operation.security = Some(vec![SecurityRequirement::default(), SecurityRequirement::new(BEARER, [""; 0])]);
    }
    let has_input = operation.request_body.is_some() || operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let writes = method != "GET";
    let mut errors = vec![
        ("400", "The request could not be read (malformed JSON or parameters)"),
        ("404", "No such thing, or the caller may not see it"),
        ("503", "Sala cannot serve this now (storage full or read-only, or too busy); try again later"),
    ];
    if signed_in {
        errors.push(("401", "No valid bearer token"));
        errors.push(("403", "The caller may not do this (role, unconfirmed email, muted or suspended)"));
    }
    if has_input {
        errors.push(("422", "The input is invalid; `errors` says what is wrong with each field"));
    }
    if writes {
        errors.push(("409", "The action conflicts with the current state (taken name, locked thread, refused)"));
        errors.push(("429", "Too many attempts or writes; `Retry-After` says when to try again"));
    }
    if operation.request_body.is_some() {
        errors.push(("413", "The body is larger than Sala accepts"));
    }
    for (status, description) in errors {
        operation.responses.responses.entry(status.to_owned()).or_insert_with(|| problem_response(description));
    }
}

fn problem_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(PROBLEM_JSON, ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build())
            .build(),
    )
}
