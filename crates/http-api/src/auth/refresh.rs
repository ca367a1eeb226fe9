use crate::auth::errors::TOKEN_INVALID;
use actix_web::{HttpRequest, HttpResponse, post, web};
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
        .ok_or_else(|| ApiError::unauthorized(TOKEN_INVALID, "Missing refresh token"))?;
    let ip = client_ip(&req, &state.edge.trusted_proxies).map(|ip| ip.to_string());
    let pair = state.auth.refresh(token, user_agent(&req), ip).await?;
    Ok(HttpResponse::Created().json(TokenPairResponse {
        access_token: pair.access_token,
        refresh_token: pair.refresh_token,
    }))
}
