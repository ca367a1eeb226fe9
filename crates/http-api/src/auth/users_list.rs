use actix_web::{HttpResponse, get, web};
use alpha_auth::UserQuery;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::managed::{ManagedUsersPage, RoleName};
use crate::auth_user::AdminUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsersQuery {
    /// Users whose phone or name contains this text, any case.
    #[param(max_length = 255, pattern = r"^[^\u0000]*$")]
    pub search: Option<String>,
    /// Users of this role only.
    #[param(inline)]
    pub role: Option<RoleName>,
    /// Rows to skip; default 0.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295.0)]
    pub offset: Option<u32>,
    /// Page size; default 20.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// Users, newest first (admin; CONTRACT #11, now paged and searchable, without private fields).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(UsersQuery),
    responses(
        (status = 200, description = "A page of users and the number of all matches", body = ManagedUsersPage),
        (status = 400, description = "`INVALID_QUERY` (a value of the wrong type or an unknown role) or `INVALID_FIELD` (`limit` out of 1–100, `search` too long or with NUL)", body = ErrorBody),
        (status = 401, description = "Not logged in, or `USER_DELETED`", body = ErrorBody),
        (status = 403, description = "`FORBIDDEN`: not an admin", body = ErrorBody),
    )
)]
#[get("/auth/users")]
pub(crate) async fn list(
    state: web::Data<AppState>,
    _admin: AdminUser,
    query: web::Query<UsersQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let query = UserQuery::new(
        q.search.as_deref(),
        q.role.map(Into::into),
        q.offset,
        q.limit,
    )?;
    let page: ManagedUsersPage = state.users.list(&query).await?.into();
    Ok(HttpResponse::Ok().json(page))
}
