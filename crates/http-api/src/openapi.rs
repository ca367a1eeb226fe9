//! The OpenAPI document's fixed parts; paths are collected from the handlers as they are mounted.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
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
        (name = "chat", description = "Chat history; live messages use the client gateway on :3090"),
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
