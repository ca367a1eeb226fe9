//! `/auth/*` routes of the logged-in user (CONTRACT §2.3), and the user's avatar (#9, #10,
//! #58, #59).

mod avatar_delete;
mod avatar_post;
mod avatars;
pub(crate) mod errors;
pub(crate) mod logout;
pub(crate) mod managed;
pub(crate) mod me;
mod photo_user_delete;
mod photo_user_put;
pub(crate) mod refresh;
pub(crate) mod set_firebase;
pub(crate) mod update;
mod user_delete;
mod user_get;
mod user_update;
mod users_list;

/// The context's endpoints, mounted under `/api/v1` by `app.rs`.
pub(crate) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(me::me);
    cfg.service(refresh::refresh);
    cfg.service(logout::logout);
    cfg.service(update::update);
    cfg.service(set_firebase::set_firebase);
    cfg.service(avatar_post::upload);
    cfg.service(avatar_delete::delete);
    cfg.service(photo_user_put::upload);
    cfg.service(photo_user_delete::delete);
    cfg.service(users_list::list);
    // After every fixed `/auth/...` path: `{uuid}` would take them otherwise.
    cfg.service(user_get::get);
    cfg.service(user_update::update);
    cfg.service(user_delete::delete);
}

/// `/auth/{uuid}` must not answer for the fixed paths beside it (`/auth/me`, ...): a method those
/// paths do not have gets 405 from the fallback, not a malformed-uuid 400.
pub(crate) fn not_a_fixed_auth_path(ctx: &actix_web::guard::GuardContext<'_>) -> bool {
    const FIXED: [&str; 6] = ["avatar", "logout", "me", "refresh", "setFirebase", "users"];
    let last = ctx.head().uri.path().rsplit('/').next().unwrap_or_default();
    !FIXED.contains(&last)
}
