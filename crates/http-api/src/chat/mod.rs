//! Chat history over REST; live messages go through the client gateway (docs/CLIENT_GATEWAY.md).

pub(crate) mod errors;
pub(crate) mod history;

/// The context's endpoints, mounted under `/api/v1` by `app.rs`.
pub(crate) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(history::history);
}
