//! The audit trail of admin writes: recorded by [`recorder::record_admin_writes`] around every
//! route, read by `GET /admin/audit`.

mod audit_list;
pub(crate) mod recorder;

/// The context's endpoints, mounted under `/api/v1` by `app.rs`.
pub(crate) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(audit_list::list);
}
