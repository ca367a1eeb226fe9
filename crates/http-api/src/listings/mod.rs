//! The marketplace's posts (CONTRACT §2.7, #40–#49; #42 `add_rate` lives in the catalog) and
//! their photos (§2.8, #50–#52), video and PDF document (§2.9, §2.10, #66–#82).

mod attachments;
mod body;
pub(crate) mod errors;
mod file_delete;
mod file_get;
mod file_update;
mod file_upload;
mod files_list;
mod files_of_post;
mod files_of_post_delete;
mod moderation_decide;
mod moderation_queue;
mod photo_post_delete;
mod photo_post_upload;
mod photo_posts_put;
mod post_create;
mod post_delete;
mod post_get;
mod post_update;
mod posts_count;
mod posts_feed;
mod posts_list;
mod posts_me;
mod schema;
mod video_delete;
mod video_get;
mod video_replace;
mod video_update;
mod video_upload;
mod videos_list;
mod videos_of_post;
mod videos_of_post_delete;

use actix_web::guard::GuardContext;
use alpha_auth::Role;
use alpha_listings::Actor;

use crate::auth_user::CurrentUser;

/// The context's endpoints, mounted under `/api/v1` by `app.rs`. Fixed paths come before the
/// `{uuid}` ones they would otherwise match.
pub(crate) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(posts_feed::feed)
        .service(post_create::create)
        .service(posts_count::count)
        .service(posts_me::me)
        .service(posts_list::list)
        .service(post_get::get)
        .service(post_update::update)
        .service(post_delete::delete)
        .service(photo_posts_put::add_many)
        .service(photo_post_upload::add_one)
        .service(photo_post_delete::delete)
        .service(video_upload::upload)
        .service(video_replace::replace)
        .service(videos_list::list)
        .service(videos_of_post::of_post)
        .service(videos_of_post_delete::delete_of_post)
        .service(video_get::get)
        .service(video_update::update)
        .service(video_update::patch)
        .service(video_delete::delete)
        .service(file_upload::upload)
        .service(files_list::list)
        .service(files_of_post::of_post)
        .service(files_of_post_delete::delete_of_post)
        .service(file_get::get)
        .service(file_update::update)
        .service(file_update::patch)
        .service(file_delete::delete)
        .service(moderation_queue::queue)
        .service(moderation_decide::decide);
}

/// `/posts/{uuid}` must not answer for the fixed paths beside it (`/posts/me`, ...): a method
/// those paths do not have gets 405 from the fallback, not a malformed-uuid 400.
pub(crate) fn not_a_fixed_post_path(ctx: &GuardContext<'_>) -> bool {
    const FIXED: [&str; 4] = ["count", "me", "list", "add_rate"];
    let last = ctx.head().uri.path().rsplit('/').next().unwrap_or_default();
    !FIXED.contains(&last)
}

/// `/video/{id}` and `/file/{uuid}` must not answer for `/video/upload` and `/file/upload`: a
/// method those paths do not have gets 405, not a malformed-id 400.
pub(crate) fn not_an_upload_path(ctx: &GuardContext<'_>) -> bool {
    !ctx.head().uri.path().ends_with("/upload")
}

fn actor(user: &CurrentUser) -> Actor {
    Actor {
        user: user.0.id,
        admin: user.0.role == Role::Admin,
    }
}
