//! `/auth/*` routes of the logged-in user (CONTRACT §2.3).

pub(crate) mod errors;
pub(crate) mod logout;
pub(crate) mod me;
pub(crate) mod refresh;
pub(crate) mod set_firebase;
pub(crate) mod update;

/// The context's endpoints, mounted under `/api/v1` by `app.rs`.
pub(crate) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(me::me);
    cfg.service(refresh::refresh);
    cfg.service(logout::logout);
    cfg.service(update::update);
    cfg.service(set_firebase::set_firebase);
}
