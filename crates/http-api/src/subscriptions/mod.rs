//! Premium orders (CONTRACT §2.14 #99–#102, §3.3 item 2): the app's order, sent to
//! `POST /subscription` or `POST /subscription/order`, and the admins' list and decisions. The
//! plans themselves are the catalog's (`catalog::plan_*`); `POST /subscription` serves both, by
//! its body ([`subscription_post`]).

pub(crate) mod errors;
mod order_place;
mod order_status;
mod orders_list;
mod subscription_post;

/// The context's endpoints, mounted under `/api/v1` by `app.rs` before the catalog's: these
/// fixed paths must be matched before the catalog's `/subscription/{uuid}` would take them.
pub(crate) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(subscription_post::create)
        .service(order_place::place)
        .service(orders_list::list)
        .service(order_status::update);
}
