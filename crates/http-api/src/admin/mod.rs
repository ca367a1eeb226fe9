//! Operator routes (admin role only).

pub(crate) mod sms_devices;

/// The context's endpoints, mounted under `/api/v1` by `app.rs`.
pub(crate) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(sms_devices::list);
}
