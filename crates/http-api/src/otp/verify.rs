use actix_web::{HttpRequest, HttpResponse, post, web};
use alpha_otp::{OtpCode, VerifyOtp};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::client_ip::client_ip;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::otp::errors::{OTP_INVALID_FORMAT, OTP_REQUIRED_FIELDS};
use crate::otp::send::user_agent;
use crate::state::AppState;
use crate::{ip_limit, otp::parse_phone};

#[derive(Debug, Deserialize, ToSchema)]
pub struct VerifyOtpBody {
    /// As for `POST /otp/send`.
    #[schema(
        value_type = String,
        required = true,
        pattern = r"^\+?993(6[0-9]|7[12])[0-9]{6}$",
        example = "99361999999"
    )]
    pub phone: Option<Value>,
    /// The code as a string of digits (5 as sent; 4 to 8 are well-formed).
    #[schema(value_type = String, required = true, pattern = "^[0-9]{4,8}$", example = "12345")]
    pub otp: Option<Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    pub message: &'static str,
    /// 15 minutes.
    #[serde(rename = "accessToken")]
    pub access_token: String,
    /// 7 days; rotated by `POST /auth/refresh`.
    #[serde(rename = "refreshToken")]
    pub refresh_token: String,
}

/// Check a code and log in.
///
/// Creates the user on first login (name `user_xxxxx`, location Aşgabat) and reactivates an
/// inactive one. Each login is its own session.
#[utoipa::path(
    tag = "otp",
    request_body = VerifyOtpBody,
    responses(
        (status = 200, description = "Logged in", body = LoginResponse),
        (status = 400, description = "`OTP_REQUIRED_FIELDS`, `OTP_INVALID_PHONE` or `OTP_INVALID_FORMAT`", body = ErrorBody),
        (status = 401, description = "`OTP_NOT_FOUND`, `OTP_INVALID` (with remaining attempts) or `OTP_MAX_ATTEMPTS`", body = ErrorBody),
        (status = 429, description = "`RATE_LIMITED` per IP, with Retry-After", body = ErrorBody),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
#[post("/otp/verify")]
pub(crate) async fn verify(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonObject<VerifyOtpBody>,
) -> Result<HttpResponse, ApiError> {
    ip_limit::enforce(&state, &req, "otp-verify", state.edge.otp_verify_per_ip).await?;
    let body = body.into_inner();
    if is_blank(body.phone.as_ref()) || is_blank(body.otp.as_ref()) {
        return Err(ApiError::bad_request(
            OTP_REQUIRED_FIELDS,
            "Phone and code are required",
        ));
    }
    let phone = parse_phone(body.phone.as_ref(), &state.edge.phone)?;
    let code = match body.otp.as_ref() {
        Some(Value::String(s)) => OtpCode::parse(s.trim()).ok(),
        _ => None,
    }
    .ok_or_else(|| {
        ApiError::bad_request(OTP_INVALID_FORMAT, "The code must be a string of digits")
    })?;

    let verified = state.otp.verify(VerifyOtp { phone, code }).await?;
    let ip = client_ip(&req, &state.edge.trusted_proxies).map(|ip| ip.to_string());
    let tokens = state
        .auth
        .login(&verified.phone, user_agent(&req), ip)
        .await?;
    tracing::info!(phone = %verified.phone, "login");
    Ok(HttpResponse::Ok().json(LoginResponse {
        message: "Login successful",
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
    }))
}

fn is_blank(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(_) => false,
    }
}
