use actix_web::{HttpResponse, post, web};
use alpha_community::blog::{NewVlog, VlogView};
use serde::Deserialize;
use utoipa::ToSchema;

use super::body::VlogFieldsBody;
use crate::auth_user::CurrentUser;
use crate::comments::actor;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;

/// What the app sends is `{description}` alone; the other fields are optional. A `userId` or
/// `status` in the body is ignored: the author is the caller and entries start pending (S4).
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewVlogBody {
    #[schema(
        min_length = 1,
        max_length = 10000,
        pattern = r"^[^\u0000]*[^\u0000\t\n\u000B\f\r\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000][^\u0000]*$"
    )]
    pub description: String,
    #[serde(flatten)]
    pub fields: VlogFieldsBody,
}

/// Posts a blog entry as the caller, pending moderation (CONTRACT #88, where the app's payload
/// always failed for want of a title). Without a `title`, the description's first words make
/// one (at most 60 characters).
#[utoipa::path(
    tag = "blog",
    security(("bearer" = [])),
    request_body = NewVlogBody,
    responses(
        (status = 201, description = "Created, pending moderation", body = VlogView),
        (status = 400, description = "`INVALID_FIELD` naming the field (`description` missing or blank, a text too long, NUL), `INVALID_BODY` or `INVALID_JSON`", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
    )
)]
#[post("/vlog")]
pub(crate) async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: JsonObject<NewVlogBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let vlog = NewVlog::new(body.fields.fields(Some(body.description)))?;
    let view: VlogView = state.blog.create(actor(&user), vlog).await?;
    Ok(HttpResponse::Created().json(view))
}
