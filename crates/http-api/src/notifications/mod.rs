//! Push notifications (CONTRACT §2.15 #103–#113): admins send, schedule and draft pushes and
//! read their history and totals. Every route is admin-only, the three old unguarded ones too
//! (S5). Sends are queued through the outbox and delivered by the worker (`alpha-notifications`).

mod body;
mod create;
pub(crate) mod errors;
mod history_delete;
mod history_get;
mod history_list;
mod history_update;
mod legacy;
mod send;
mod send_draft;
mod stats;

/// The context's endpoints, mounted under `/api/v1` by `app.rs`.
pub(crate) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(legacy::send_to_all)
        .service(legacy::send_to_token)
        .service(legacy::send_to_subscribers)
        .service(send::send)
        .service(create::create)
        .service(history_list::list)
        .service(history_get::get)
        .service(history_update::update)
        .service(history_delete::delete)
        .service(stats::stats)
        .service(send_draft::send_draft);
}
