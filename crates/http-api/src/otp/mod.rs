//! `POST /otp/send` and `POST /otp/verify` (CONTRACT §2.2).

pub(crate) mod errors;
pub(crate) mod send;
pub(crate) mod verify;

/// The context's endpoints, mounted under `/api/v1` by `app.rs`.
pub(crate) fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    cfg.service(send::send);
    cfg.service(verify::verify);
}

use alpha_kernel::{Phone, PhoneError, PhonePolicy};
use serde_json::Value;

use crate::error::ApiError;

/// The phone field of an OTP body: the old API accepted anything truthy and failed later with
/// 500s (CONTRACT §9 B5); here every bad value is a 400 `OTP_INVALID_PHONE`.
pub(crate) fn parse_phone(value: Option<&Value>, policy: &PhonePolicy) -> Result<Phone, ApiError> {
    let text = match value {
        None | Some(Value::Null) => return Err(invalid_phone("Phone number is required")),
        Some(Value::String(s)) => s,
        Some(_) => return Err(invalid_phone("Phone number must be a string")),
    };
    Phone::parse(text, policy).map_err(|err| invalid_phone(phone_problem(&err)))
}

/// What is wrong with a refused phone, as the API words it wherever a phone is taken.
pub(crate) fn phone_problem(err: &PhoneError) -> &'static str {
    match err {
        PhoneError::Empty => "Phone number is required",
        PhoneError::Invalid => "Invalid phone number",
        PhoneError::CountryNotAllowed => "Phone numbers of this country are not supported",
        PhoneError::NotMobile => "A mobile phone number is required",
    }
}

fn invalid_phone(message: &str) -> ApiError {
    ApiError::bad_request(errors::OTP_INVALID_PHONE, message)
}
