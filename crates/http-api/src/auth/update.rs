use actix_web::{HttpResponse, put, web};
use alpha_auth::ProfileChanges;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::schema::{
    AnyOfBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type,
};

use crate::auth::errors::{INVALID_EMAIL, PHONE_CHANGE_NOT_ALLOWED, VALUE_TOO_LONG};
use crate::auth_user::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::extractors::INVALID_BODY;
use crate::extractors::JsonObject;
use crate::state::AppState;
use alpha_kernel::Email;

/// Absent: leave the field alone. `null`: clear it. A string: set it.
///
/// A `phone` field, whatever its value, is refused with 400 `PHONE_CHANGE_NOT_ALLOWED`: a phone
/// change needs a verified code (CONTRACT §9 S8).
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateProfileBody {
    #[serde(default, deserialize_with = "crate::extractors::present")]
    #[schema(value_type = Option<String>, max_length = 255, pattern = r"^[^\u0000]*$")]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::extractors::present")]
    #[schema(value_type = Option<String>, max_length = 255, pattern = r"^[^\u0000]*$")]
    pub location: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::extractors::present")]
    #[schema(schema_with = email_schema)]
    pub email: Option<Option<String>>,
    /// Not in the schema: no value is accepted (see above).
    #[serde(default, deserialize_with = "crate::extractors::present")]
    #[schema(ignore)]
    pub phone: Option<Option<serde_json::Value>>,
}

/// A blank string: only what `str::trim` removes (Unicode White_Space).
const BLANK: &str =
    r"^[\t\n\u000B\f\r\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$";

/// An address, or blank or `null` to clear it.
fn email_schema() -> Schema {
    let string = || {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(MAX_LEN))
    };
    AnyOfBuilder::new()
        .item(string().format(Some(SchemaFormat::KnownFormat(KnownFormat::Email))))
        .item(string().pattern(Some(BLANK)))
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .description(Some("An email address; blank or `null` clears it."))
        .build()
        .into()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UpdateProfileResponse {
    pub message: &'static str,
    pub uuid: String,
}

/// Columns are varchar(255).
const MAX_LEN: usize = 255;

/// Update the logged-in user's name, location or email.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body = UpdateProfileBody,
    responses(
        (status = 200, description = "Updated", body = UpdateProfileResponse),
        (status = 400, description = "`PHONE_CHANGE_NOT_ALLOWED`, `INVALID_EMAIL`, `VALUE_TOO_LONG` or `INVALID_BODY` (a NUL character)", body = ErrorBody),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 409, description = "`EMAIL_TAKEN`", body = ErrorBody),
    )
)]
#[put("/auth")]
pub(crate) async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: JsonObject<UpdateProfileBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    if body.phone.is_some() {
        return Err(ApiError::bad_request(
            PHONE_CHANGE_NOT_ALLOWED,
            "The phone number cannot be changed here; log in with the new number's code instead",
        ));
    }
    for (field, value) in [
        ("name", &body.name),
        ("location", &body.location),
        ("email", &body.email),
    ] {
        if let Some(Some(text)) = value
            && text.chars().count() > MAX_LEN
        {
            return Err(ApiError::bad_request(
                VALUE_TOO_LONG,
                format!("{field} must be at most {MAX_LEN} characters"),
            ));
        }
    }
    // PostgreSQL text cannot hold NUL: refused here rather than failing as a 500 in the store.
    // (An email with one is no valid address: `INVALID_EMAIL` below.)
    for (field, value) in [("name", &body.name), ("location", &body.location)] {
        if let Some(Some(text)) = value
            && text.contains('\0')
        {
            return Err(ApiError::bad_request(
                INVALID_BODY,
                format!("{field} must not contain NUL characters"),
            ));
        }
    }
    let email = match body.email {
        Some(Some(email)) => {
            if email.trim().is_empty() {
                Some(None)
            } else {
                let email = Email::parse(&email)
                    .map_err(|_| ApiError::bad_request(INVALID_EMAIL, "Invalid email address"))?;
                Some(Some(email))
            }
        }
        Some(None) => Some(None),
        None => None,
    };
    let changes = ProfileChanges {
        name: body.name,
        location: body.location,
        email,
    };
    state.auth.update_profile(&user.0, changes).await?;
    Ok(HttpResponse::Ok().json(UpdateProfileResponse {
        message: "Successfully changed",
        uuid: user.0.id.to_string(),
    }))
}
