//! One image and a few small text fields from a `multipart/form-data` body, streamed with hard
//! caps: the app-wide body limit (`http.body_limit_bytes`, for JSON) does not apply to a
//! multipart stream, so the limits here are the upload routes' own.

use actix_multipart::{Field, Multipart, MultipartError};
use actix_web::HttpRequest;
use actix_web::error::PayloadError;
use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_LENGTH;
use alpha_media::MAX_IMAGE_BYTES;
use futures_util::StreamExt;
use uuid::Uuid;

use super::errors::{
    INVALID_MULTIPART, NO_FILE, TOO_MANY_FILES, UNEXPECTED_FILE, UNSUPPORTED_MEDIA_TYPE,
    file_too_large,
};
use crate::catalog::errors::INVALID_FIELD;
use crate::error::ApiError;

/// A text field (the owner's uuid) is a few dozen bytes.
pub(crate) const MAX_TEXT_BYTES: usize = 1024;
/// Room for a few text fields and the part headers around the files.
const FORM_OVERHEAD_BYTES: usize = 64 * 1024;

/// What an upload form carried.
#[derive(Debug)]
pub(crate) struct Upload {
    pub file: Vec<u8>,
    /// The `uuid` text field, as sent.
    pub uuid: Option<String>,
}

/// What a form of several images carried.
#[derive(Debug)]
pub(crate) struct Uploads {
    /// In the order sent; never empty.
    pub files: Vec<Vec<u8>>,
    /// The `uuid` text field, as sent.
    pub uuid: Option<String>,
}

/// Reads the form: the file under `file_field` (a part with a file name under another field is
/// refused rather than ignored, so a misnamed field is not answered "no file") and the `uuid`
/// text field; other text fields are skipped, as the old API ignored them. Stops reading as soon
/// as a cap is passed.
///
/// Errors: 415 `UNSUPPORTED_MEDIA_TYPE` (not multipart), 400 `INVALID_MULTIPART`, `NO_FILE`,
/// `TOO_MANY_FILES`, `UNEXPECTED_FILE`, 413 `PAYLOAD_TOO_LARGE`.
pub(crate) async fn read_upload(
    req: &HttpRequest,
    form: Multipart,
    file_field: &str,
) -> Result<Upload, ApiError> {
    let Uploads { mut files, uuid } = read_uploads(req, form, file_field, 1).await?;
    let file = files.pop().unwrap_or_default();
    Ok(Upload { file, uuid })
}

/// Like [`read_upload`], for up to `max_files` images under `file_field`, each up to 5 MB.
///
/// Errors: those of [`read_upload`]; `TOO_MANY_FILES` past `max_files`.
pub(crate) async fn read_uploads(
    req: &HttpRequest,
    mut form: Multipart,
    file_field: &str,
    max_files: usize,
) -> Result<Uploads, ApiError> {
    let max_body = max_files * MAX_IMAGE_BYTES + FORM_OVERHEAD_BYTES;
    if declared_length(req).is_some_and(|n| n > max_body) {
        return Err(file_too_large());
    }
    let mut read = 0usize;
    let mut files: Vec<Vec<u8>> = Vec::new();
    let mut uuid = None;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|e| multipart_error(&e))?;
        let name = field.name().unwrap_or_default().to_owned();
        let has_file_name = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .is_some();
        if name == file_field || has_file_name {
            if name != file_field {
                return Err(ApiError::bad_request(
                    UNEXPECTED_FILE,
                    format!("Unexpected file field `{name}`: send the image as `{file_field}`"),
                ));
            }
            // Sized from the declared body at once: growing by doubling would copy the file
            // and hold up to twice its size per upload.
            let reserve = declared_length(req).unwrap_or(0).min(MAX_IMAGE_BYTES);
            let bytes =
                read_field(&mut field, MAX_IMAGE_BYTES, max_body, reserve, &mut read).await?;
            // Browsers send an empty part for a file input left empty.
            if bytes.is_empty() {
                continue;
            }
            if files.len() == max_files {
                return Err(ApiError::bad_request(
                    TOO_MANY_FILES,
                    if max_files == 1 {
                        format!("Send one image in `{file_field}`")
                    } else {
                        format!("Send at most {max_files} images in `{file_field}`")
                    },
                ));
            }
            files.push(bytes);
        } else {
            let bytes = read_field(&mut field, MAX_TEXT_BYTES, max_body, 0, &mut read).await?;
            if name == "uuid" {
                uuid = Some(String::from_utf8_lossy(&bytes).trim().to_owned());
            }
        }
    }
    if files.is_empty() {
        return Err(ApiError::bad_request(NO_FILE, "No file provided"));
    }
    Ok(Uploads { files, uuid })
}

/// The `uuid` field of the form: required, a UUID.
pub(crate) fn owner_uuid(field: Option<&str>) -> Result<Uuid, ApiError> {
    let text = field.ok_or_else(|| ApiError::bad_request(INVALID_FIELD, "uuid is required"))?;
    Uuid::parse_str(text).map_err(|_| ApiError::bad_request(INVALID_FIELD, "uuid must be a UUID"))
}

/// The field's bytes, refusing more than `limit`, or than `max_body` over all fields; room for
/// `reserve` bytes is taken up front.
async fn read_field(
    field: &mut Field,
    limit: usize,
    max_body: usize,
    reserve: usize,
    read: &mut usize,
) -> Result<Vec<u8>, ApiError> {
    let mut bytes = Vec::with_capacity(reserve);
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|e| multipart_error(&e))?;
        *read += chunk.len();
        if bytes.len() + chunk.len() > limit {
            // An overlong text field is a malformed form, not a body too large to take.
            return Err(if limit == MAX_IMAGE_BYTES {
                file_too_large()
            } else {
                text_too_long(field.name().unwrap_or_default(), limit)
            });
        }
        if *read > max_body {
            return Err(file_too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

pub(crate) fn declared_length(req: &HttpRequest) -> Option<usize> {
    req.headers()
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

pub(crate) fn multipart_error(err: &MultipartError) -> ApiError {
    match err {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            UNSUPPORTED_MEDIA_TYPE,
            "Expected a body with Content-Type: multipart/form-data",
        )
        .with_legacy_fields(),
        MultipartError::Payload(PayloadError::Overflow) => file_too_large(),
        other => ApiError::bad_request(
            INVALID_MULTIPART,
            format!("Malformed multipart/form-data body: {other}"),
        ),
    }
}

/// An overlong text field is a malformed form, not a body too large to take.
pub(crate) fn text_too_long(name: &str, limit: usize) -> ApiError {
    ApiError::bad_request(
        INVALID_FIELD,
        format!("The text field `{name}` is longer than {limit} bytes"),
    )
}
