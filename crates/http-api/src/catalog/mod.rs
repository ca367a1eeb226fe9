//! The catalog: brands, models, categories, banners, premium plans, currencies, brand
//! subscriptions and the brand/model search (CONTRACT §2.4–2.6, §2.13, §2.14, #42), and the
//! photos of those rows (§2.8 #53–#57, #62–#65; #33, #34).

mod banner_create;
mod banner_delete;
mod banner_get;
mod banners_list;
mod brand_create;
mod brand_delete;
mod brand_get;
mod brand_subscribe;
mod brand_unsubscribe;
mod brand_update;
mod brands_by_uuids;
mod brands_list;
mod brands_search;
mod categories_list;
mod category_create;
mod category_delete;
mod category_get;
mod category_update;
mod currencies;
pub(crate) mod errors;
mod localized;
mod model_create;
mod model_delete;
mod model_get;
mod model_photo_delete;
mod model_photo_upload;
mod model_update;
mod models_list;
pub(crate) mod params;
mod photo_banner_delete;
mod photo_banner_put;
mod photo_brand_delete;
mod photo_brand_post;
mod photo_category_put;
mod photo_model_delete;
mod photo_model_post;
mod photo_plan_delete;
mod photo_plan_put;
pub(crate) mod photos;
pub(crate) mod plan_create;
mod plan_delete;
mod plan_get;
mod plan_update;
mod plans_list;
pub(crate) mod replies;

use alpha_catalog::Creator;

use crate::auth_user::AdminUser;
use crate::error::ApiError;
use crate::state::AppState;

/// The context's endpoints, mounted under `/api/v1` by `app.rs`. Fixed paths come before the
/// `{uuid}` ones they would otherwise match. `POST /subscription` is the subscriptions
/// context's: it takes premium orders too, and hands plan bodies to [`plan_create`].
pub(crate) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(brands_search::search)
        .service(brands_by_uuids::list)
        .service(brands_by_uuids::history)
        .service(brand_subscribe::subscribe)
        .service(brand_unsubscribe::unsubscribe)
        .service(brands_list::list)
        .service(brand_create::create)
        .service(brand_get::get)
        .service(brand_update::update)
        .service(brand_delete::delete)
        .service(models_list::list)
        .service(model_create::create)
        .service(model_photo_upload::upload)
        .service(model_photo_delete::delete)
        .service(model_get::get)
        .service(model_update::update)
        .service(model_delete::delete)
        .service(categories_list::list)
        .service(category_create::create)
        .service(category_get::get)
        .service(category_update::update)
        .service(category_delete::delete)
        .service(banners_list::list)
        .service(banner_create::create)
        .service(banner_get::get)
        .service(banner_delete::delete)
        .service(plans_list::list)
        .service(plan_get::get)
        .service(plan_update::update)
        .service(plan_delete::delete)
        .service(currencies::list)
        .service(photo_banner_put::upload)
        .service(photo_banner_delete::delete)
        .service(photo_category_put::upload)
        .service(photo_plan_put::upload)
        .service(photo_plan_delete::delete)
        .service(photo_brand_post::upload)
        .service(photo_brand_delete::delete)
        .service(photo_model_post::upload)
        .service(photo_model_delete::delete);
}

/// Categories and banners record the admin who made them; only the name is ever shown.
async fn creator_of(state: &AppState, admin: &AdminUser) -> Result<Creator, ApiError> {
    let profile = state.auth.profile(&admin.0).await?;
    Ok(Creator { name: profile.name })
}
