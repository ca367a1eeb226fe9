//! Comments on posts (CONTRACT §2.11, #83–#87).

mod comment_create;
mod comment_delete;
mod comment_get;
mod comment_update;
mod comments_list;
pub(crate) mod errors;

use alpha_auth::{AuthUser, Role};
use alpha_community::Actor;

use crate::auth_user::CurrentUser;
use crate::catalog::replies::Done;

/// The context's endpoints, mounted under `/api/v1` by `app.rs`.
pub(crate) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(comments_list::list)
        .service(comment_create::create)
        .service(comment_get::get)
        .service(comment_update::update)
        .service(comment_delete::delete);
}

/// The caller as the community rules see them (shared with the blog).
pub(crate) fn actor(user: &CurrentUser) -> Actor {
    actor_of(&user.0)
}

pub(crate) fn actor_of(user: &AuthUser) -> Actor {
    Actor {
        user: user.id,
        admin: user.role == Role::Admin,
    }
}

/// What a delete answers, worded as the old API worded it.
pub(crate) const DELETED: Done = Done {
    message: "Deleted successfully",
};
