//! Assembles the actix `App`: middleware, extractor limits, routes, docs, fallback.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{App, Error, web};
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::state::AppState;
use crate::{docs, extractors, health, not_found, openapi, request_id};

/// Limits applied to every request body.
#[derive(Debug, Clone, Copy)]
pub struct HttpLimits {
    pub body_limit_bytes: usize,
}

/// Builds the application; called once per actix worker.
pub fn build_app(
    state: AppState,
    limits: HttpLimits,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    let (app, doc) = App::new()
        .into_utoipa_app()
        .openapi(openapi::ApiDoc::openapi())
        .app_data(web::Data::new(state))
        .service(health::healthz::healthz)
        .service(health::readyz::readyz)
        .split_for_parts();

    with_request_limits(app, limits)
        .service(docs::redirect_to_ui)
        .service(docs::swagger_ui(doc))
        .default_service(web::to(not_found::not_found))
        .wrap(from_fn(request_id::echo_request_id))
        .wrap(TracingLogger::default())
}

/// Body limits and JSON answers for bad bodies, paths and queries, for every route of `app`.
pub fn with_request_limits<T>(app: App<T>, limits: HttpLimits) -> App<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = Error, InitError = ()>,
{
    app.app_data(extractors::json_config(limits.body_limit_bytes))
        .app_data(extractors::payload_config(limits.body_limit_bytes))
        .app_data(extractors::query_config())
        .app_data(extractors::path_config())
}
