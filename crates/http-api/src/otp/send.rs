use actix_web::{HttpRequest, HttpResponse, http::header::USER_AGENT, post, web};
use alpha_otp::{SendOtp, SentVia};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::client_ip::client_ip;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::JsonObject;
use crate::state::AppState;
use crate::{ip_limit, otp::parse_phone};
use alpha_kernel::iso_millis;

#[derive(Debug, Deserialize, ToSchema)]
pub struct SendOtpBody {
    /// A Turkmen mobile number. The pattern is its plain form (`993` or `+993`, then the 8
    /// national digits of a mobile range); other common spellings are accepted too:
    /// `+993 61 999999`, `8 61 999999`. Anything else is a 400 `OTP_INVALID_PHONE`.
    #[schema(
        value_type = String,
        required = true,
        pattern = r"^\+?993(6[0-9]|7[12])[0-9]{6}$",
        example = "99361999999"
    )]
    pub phone: Option<Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SendOtpResponse {
    pub message: &'static str,
    /// The OTP's id; verification errors refer to it.
    #[serde(rename = "requestId")]
    pub request_id: String,
    /// Normalised, E.164.
    pub phone: String,
    #[serde(rename = "expiresAt")]
    pub expires_at: String,
    /// True when an SMS device took the message.
    #[serde(rename = "smsDispatched")]
    pub sms_dispatched: bool,
    /// Only for test numbers, and only when `OTP_TEST_CODE_RESPONSE=true`.
    #[serde(rename = "testCode", skip_serializing_if = "Option::is_none")]
    pub test_code: Option<String>,
}

/// Send a login code by SMS.
///
/// A new code replaces any live one for the phone. Limits: per IP (default 3 per 60 s) and per
/// phone (`OTP_PHONE_RATE_LIMIT_*`); test numbers skip the per-phone limit and get code 12345.
#[utoipa::path(
    tag = "otp",
    request_body = SendOtpBody,
    responses(
        (status = 200, description = "Code created", body = SendOtpResponse),
        (status = 400, description = "`OTP_INVALID_PHONE`: missing, non-string or invalid phone", body = ErrorBody),
        (status = 429, description = "`OTP_RATE_LIMIT` (per phone) or `RATE_LIMITED` (per IP), with Retry-After", body = ErrorBody),
        (status = 503, description = "Database unavailable", body = ErrorBody),
    )
)]
#[post("/otp/send")]
pub(crate) async fn send(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: JsonObject<SendOtpBody>,
) -> Result<HttpResponse, ApiError> {
    ip_limit::enforce(&state, &req, "otp-send", state.edge.otp_send_per_ip).await?;
    let phone = parse_phone(body.phone.as_ref(), &state.edge.phone)?;
    let request = SendOtp {
        phone,
        ip_address: client_ip(&req, &state.edge.trusted_proxies).map(|ip| ip.to_string()),
        user_agent: user_agent(&req),
    };
    let sent = state.otp.send(request).await?;
    tracing::info!(phone = %sent.phone, via = ?sent.via, "OTP issued");
    let message = match sent.via {
        SentVia::Sms => "OTP sent via SMS",
        SentVia::TestNumber => "Test OTP generated (use code 12345)",
        SentVia::NotDispatched => "OTP generated (SMS device not connected)",
    };
    Ok(HttpResponse::Ok().json(SendOtpResponse {
        message,
        request_id: sent.request_id.0.to_string(),
        phone: sent.phone.as_str().to_owned(),
        expires_at: iso_millis(sent.expires_at),
        sms_dispatched: sent.via == SentVia::Sms,
        test_code: sent.test_code.map(|c| c.expose().to_owned()),
    }))
}

/// Stored for audit in `otp_codes."userAgent"`; capped so a huge header cannot bloat rows.
pub(crate) fn user_agent(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(512).collect())
}
