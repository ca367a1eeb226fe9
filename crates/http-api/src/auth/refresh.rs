use actix_web::{HttpRequest, HttpResponse, post, web};
use alpha_auth::RefreshError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::bearer::bearer_token;
use crate::client_ip::client_ip;
use crate::error::{ApiError, ErrorBody};
use crate::otp::send::user_agent;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPairResponse {
    #[serde(rename = "accessToken")]
    pub access_token: String,
    #[serde(rename = "refreshToken")]
    pub refresh_token: String,
}

/// Rotate the token pair; send the refresh token as `Authorization: Bearer <refreshToken>`.
///
/// Each refresh token works once. Presenting an older one revokes the session (`TOKEN_REUSE`),
/// except the immediately previous token within a few seconds, which returns the same new pair
/// (two requests racing with one token both succeed).
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "New pair", body = TokenPairResponse),
        (status = 401, description = "`TOKEN_INVALID`, `TOKEN_EXPIRED`, `TOKEN_REUSE` or `USER_DELETED`", body = ErrorBody),
    )
)]
#[post("/auth/refresh")]
pub(crate) async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let token = bearer_token(&req)
        .ok_or_else(|| ApiError::unauthorized("TOKEN_INVALID", "Missing refresh token"))?;
    let ip = client_ip(&req, &state.edge.trusted_proxies).map(|ip| ip.to_string());
    let pair = state
        .auth
        .refresh(token, user_agent(&req), ip)
        .await
        .map_err(|err| refresh_error(&err))?;
    Ok(HttpResponse::Created().json(TokenPairResponse {
        access_token: pair.access_token,
        refresh_token: pair.refresh_token,
    }))
}

fn refresh_error(err: &RefreshError) -> ApiError {
    match err {
        RefreshError::Expired => ApiError::unauthorized("TOKEN_EXPIRED", "Refresh token expired"),
        RefreshError::Invalid => ApiError::unauthorized("TOKEN_INVALID", "Invalid refresh token"),
        RefreshError::SessionRevoked => {
            ApiError::unauthorized("TOKEN_INVALID", "Session revoked or user not found")
        }
        RefreshError::Reuse => ApiError::unauthorized(
            "TOKEN_REUSE",
            "Refresh token reuse detected. Session revoked.",
        ),
        RefreshError::UserDeleted => ApiError::unauthorized(
            "USER_DELETED",
            "This account has been deleted by an administrator",
        ),
        RefreshError::Signing => ApiError::internal(err),
        RefreshError::Infrastructure(repo) => ApiError::from_repo(repo),
    }
}
