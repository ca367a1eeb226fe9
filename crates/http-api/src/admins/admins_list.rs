use actix_web::{HttpResponse, get, web};
use alpha_auth::{Role, UserQuery};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::managed::ManagedUsersPage;
use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AdminsQuery {
    /// Rows to skip; default 0.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295.0)]
    pub offset: Option<u32>,
    /// Page size; default 20.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// The admins, newest first (admin; CONTRACT #114, without private fields, S7).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(AdminsQuery),
    responses(
        (status = 200, description = "A page of admins and how many there are", body = ManagedUsersPage),
        (status = 400, description = "`INVALID_QUERY` or `INVALID_FIELD` (`limit` out of 1–100)", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
    )
)]
#[get("/admins")]
pub(crate) async fn list(
    state: web::Data<AppState>,
    _admin: AdminUser,
    query: web::Query<AdminsQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let query = UserQuery::new(None, Some(Role::Admin), q.offset, q.limit)?;
    let page: ManagedUsersPage = state.users.list(&query).await?.into();
    Ok(HttpResponse::Ok().json(page))
}
