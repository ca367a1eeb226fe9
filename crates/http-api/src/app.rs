//! Assembles the actix `App`: middleware, extractor limits, routes, docs, fallback.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{App, Error, web};
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::{AppExt, scope};

use crate::media::files::ServedFiles;
use crate::state::AppState;
use crate::{
    admin, admins, audit, auth, blog, catalog, chat, comments, cors, docs, extractors, health,
    listings, media, not_found, notifications, openapi, otp, request_id, request_metrics,
    subscriptions,
};

/// Edge settings taken from configuration.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Largest accepted JSON (or other buffered) request body. Photo uploads stream their
    /// multipart bodies under their own caps (`media::form`), which this does not touch.
    pub body_limit_bytes: usize,
    /// Browser origins allowed by CORS (`*` for any).
    pub cors_allowed_origins: Vec<String>,
    /// What `/uploads` and `/media` serve: the upload folder or the S3 bucket.
    pub uploads: ServedFiles,
}

/// Builds the application; called once per actix worker.
pub fn build_app(
    state: AppState,
    options: &HttpOptions,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody + use<>>,
        Error = Error,
        InitError = (),
    > + use<>,
> {
    let (app, mut doc) = App::new()
        .into_utoipa_app()
        .openapi(openapi::ApiDoc::openapi())
        .app_data(web::Data::new(state))
        .configure(health::routes)
        // One line per context; each context's `routes()` lists its endpoints.
        .service(
            scope::scope("/api/v1")
                .configure(otp::routes)
                .configure(auth::routes)
                .configure(chat::routes)
                // Before the catalog: its `/subscription/{uuid}` would take the fixed paths.
                .configure(subscriptions::routes)
                .configure(catalog::routes)
                .configure(listings::routes)
                .configure(comments::routes)
                .configure(blog::routes)
                .configure(notifications::routes)
                .configure(admin::routes)
                .configure(admins::routes)
                .configure(audit::routes),
        )
        .split_for_parts();
    openapi::complete(&mut doc);
    let routes = not_found::Routes::of_document(&doc, docs::ROUTES);

    with_request_limits(app, options.body_limit_bytes)
        .service(docs::redirect_to_ui)
        .service(docs::swagger_ui(doc))
        .service(media::files::uploads(&options.uploads))
        .service(media::files::media(&options.uploads))
        .default_service(web::to(move |req| {
            not_found::not_found(req, routes.clone())
        }))
        .wrap(from_fn(audit::recorder::record_admin_writes))
        .wrap(from_fn(request_metrics::observe))
        .wrap(cors::cors(&options.cors_allowed_origins))
        .wrap(from_fn(request_id::echo_request_id))
        .wrap(TracingLogger::<crate::request_log::RequestLog>::new())
}

/// Body limits and JSON answers for bad bodies, paths and queries, for every route of `app`.
pub fn with_request_limits<T>(app: App<T>, body_limit_bytes: usize) -> App<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = Error, InitError = ()>,
{
    app.app_data(extractors::json_config(body_limit_bytes))
        .app_data(extractors::payload_config(body_limit_bytes))
        .app_data(extractors::query_config())
        .app_data(extractors::path_config())
}
