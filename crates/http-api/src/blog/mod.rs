//! The blog, `vlog` on the wire (CONTRACT §2.12, #88–#92), and its images (§2.8, #60–#61).

mod body;
pub(crate) mod errors;
mod photo_vlog_delete;
mod photo_vlog_upload;
mod vlog_create;
mod vlog_delete;
mod vlog_get;
mod vlog_update;
mod vlogs_list;

use alpha_community::Actor;

use crate::auth_user::MaybeUser;
use crate::comments::actor_of;

/// The context's endpoints, mounted under `/api/v1` by `app.rs`.
pub(crate) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(vlogs_list::list)
        .service(vlog_create::create)
        .service(vlog_get::get)
        .service(vlog_update::update)
        .service(vlog_delete::delete)
        .service(photo_vlog_upload::upload)
        .service(photo_vlog_delete::delete);
}

/// The caller of a public read, when signed in.
fn viewer(user: &MaybeUser) -> Option<Actor> {
    user.0.as_ref().map(actor_of)
}
