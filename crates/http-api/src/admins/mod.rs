//! `/admins` (CONTRACT §2.16): the admins among the users, for the back office.

mod admin_get;
mod admin_update;
mod admins_list;

/// The context's endpoints, mounted under `/api/v1` by `app.rs`.
pub(crate) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(admins_list::list);
    cfg.service(admin_get::get);
    cfg.service(admin_update::update);
}
