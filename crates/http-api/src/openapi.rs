//! The OpenAPI document's fixed parts; paths are collected from the handlers as they are mounted.
//!
//! Checked by `scripts/schemathesis.sh`: the document must describe every answer the server can
//! give, and every request it accepts.

use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::response::{Response, ResponseBuilder, Responses};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Alpha Motors API",
        description = "Backend of the Alpha Motors (auto.tm) car marketplace. Routes the mobile app \
                       uses live under /api/v1. Errors are JSON with a stable `code`."
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "health", description = "Liveness and readiness probes"),
        (name = "otp", description = "Phone login: send and verify one-time codes"),
        (name = "auth", description = "Tokens, sessions and the logged-in user's profile"),
        (name = "admin", description = "Operator routes; admin role required"),
        (name = "posts", description = "The marketplace's posts: the feed, a seller's posts, create, edit, delete"),
        (name = "comments", description = "Comments on posts"),
        (name = "blog", description = "The blog (`vlog`): entries, moderation and images"),
        (name = "chat", description = "Chat history; live messages use the client gateway on :3090"),
        (name = "notifications", description = "Push notifications through FCM: sends, schedules, drafts, history; admin role required"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// Completes the document once the handlers' paths are in it (`split_for_parts`): the
/// `#[openapi(modifiers)]` above run before any path is collected.
pub(crate) fn complete(doc: &mut utoipa::openapi::OpenApi) {
    BodyErrors.modify(doc);
    StoreDown.modify(doc);
    UniqueOperationIds.modify(doc);
}

/// Every `/api/v1` operation reads or writes PostgreSQL (authentication included: the session is
/// checked there), so each can answer 503 while the database is unreachable. Operations that
/// document a 503 of their own (uploads: the media store) keep their description.
struct StoreDown;

const STORE_DOWN: &str = "`SERVICE_UNAVAILABLE`: the database is unreachable (nothing was \
                          changed); retry later";

impl Modify for StoreDown {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in &mut openapi.paths.paths {
            if !path.starts_with("/api/v1/") {
                continue;
            }
            for operation in operations_mut(item) {
                add(&mut operation.responses, "503", STORE_DOWN);
            }
        }
    }
}

/// utoipa names an operation after its handler function, and every context has its `list`,
/// `get` and `delete`; OpenAPI wants each id once. The id is the method and path instead:
/// `GET /api/v1/brands/{uuid}` is `getBrandsUuid`.
struct UniqueOperationIds;

impl Modify for UniqueOperationIds {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in &mut openapi.paths.paths {
            let words: String = path
                .trim_start_matches("/api/v1")
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(capitalized)
                .collect();
            let methods = [
                ("get", &mut item.get),
                ("put", &mut item.put),
                ("post", &mut item.post),
                ("delete", &mut item.delete),
                ("options", &mut item.options),
                ("head", &mut item.head),
                ("patch", &mut item.patch),
                ("trace", &mut item.trace),
            ];
            for (method, operation) in methods {
                if let Some(operation) = operation {
                    operation.operation_id = Some(format!("{method}{words}"));
                }
            }
        }
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// The JSON body extractor's own answers, on every operation that reads a body: each handler
/// documents its 400 codes, this adds the extractor's (`extractors::json_error`) once.
struct BodyErrors;

const MALFORMED_BODY: &str = "`INVALID_JSON` (malformed JSON) or `INVALID_BODY` (not a JSON \
                              object, or a field of the wrong type)";

impl Modify for BodyErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for operation in operations_mut(item) {
                // Multipart uploads document their own 400, 413 and 415 (`media::form`).
                let takes_json = operation
                    .request_body
                    .as_ref()
                    .is_some_and(|body| match body {
                        RefOr::T(body) => body.content.contains_key("application/json"),
                        RefOr::Ref(_) => false,
                    });
                if !takes_json {
                    continue;
                }
                let responses = &mut operation.responses;
                match responses.responses.get_mut("400") {
                    Some(RefOr::T(response)) => {
                        response.description = format!(
                            "{}; {MALFORMED_BODY}",
                            response.description.trim_end_matches('.')
                        );
                    }
                    Some(RefOr::Ref(_)) => {}
                    None => add(responses, "400", MALFORMED_BODY),
                }
                add(
                    responses,
                    "413",
                    "`PAYLOAD_TOO_LARGE`: the body is larger than `http.body_limit_bytes`",
                );
                add(
                    responses,
                    "415",
                    "`UNSUPPORTED_MEDIA_TYPE`: the body is not sent as `Content-Type: \
                     application/json`",
                );
            }
        }
    }
}

fn add(responses: &mut Responses, status: &str, description: &str) {
    responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| RefOr::T(error_response(description)));
}

fn error_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            Content::new(Some(Ref::from_schema_name("ErrorBody"))),
        )
        .build()
}

/// Every operation of a path, whatever its method.
pub(crate) fn operations_mut(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.options,
        &mut item.head,
        &mut item.patch,
        &mut item.trace,
        &mut item.query,
    ]
    .into_iter()
    .filter_map(Option::as_mut)
    .chain(item.additional_operations.values_mut())
}

/// The methods a path answers, upper case, as named in an `Allow` header.
pub(crate) fn methods(item: &PathItem) -> Vec<String> {
    [
        ("GET", &item.get),
        ("PUT", &item.put),
        ("POST", &item.post),
        ("DELETE", &item.delete),
        ("OPTIONS", &item.options),
        ("HEAD", &item.head),
        ("PATCH", &item.patch),
        ("TRACE", &item.trace),
        ("QUERY", &item.query),
    ]
    .into_iter()
    .filter(|(_, operation)| operation.is_some())
    .map(|(method, _)| method.to_owned())
    .chain(
        item.additional_operations
            .keys()
            .map(|method| method.to_ascii_uppercase()),
    )
    .collect()
}
