//! One big file (a video, a document) from a `multipart/form-data` body, handed over chunk by
//! chunk as it arrives: nothing holds the whole file. The text fields the route needs must come
//! before the file (the app sends them first); they are read with the small caps of
//! [`super::form`], and the route decides from them before a byte of the file is read.

use actix_multipart::{Field, Multipart};
use actix_web::HttpRequest;
use actix_web::web::Bytes;
use futures_util::StreamExt;

use super::errors::{NO_FILE, TOO_MANY_FILES, UNEXPECTED_FILE, payload_too_large};
use super::form::{MAX_TEXT_BYTES, declared_length, multipart_error, text_too_long};
use crate::error::ApiError;

/// Room for the text fields and part headers around the file.
const FORM_OVERHEAD_BYTES: u64 = 64 * 1024;

/// A form being read: the text fields seen so far, then the file part.
pub(crate) struct StreamedForm {
    form: Multipart,
    file_field: &'static str,
    texts: Vec<(String, String)>,
    text_bytes: usize,
}

impl StreamedForm {
    /// Refuses at once a body that declares more than a file of `max_file_bytes` and its form.
    ///
    /// Errors: 413 `PAYLOAD_TOO_LARGE`.
    pub(crate) fn new(
        req: &HttpRequest,
        form: Multipart,
        file_field: &'static str,
        max_file_bytes: u64,
    ) -> Result<Self, ApiError> {
        let declared = declared_length(req).and_then(|n| u64::try_from(n).ok());
        if declared.is_some_and(|n| n > max_file_bytes.saturating_add(FORM_OVERHEAD_BYTES)) {
            return Err(too_large(max_file_bytes));
        }
        Ok(Self {
            form,
            file_field,
            texts: Vec::new(),
            text_bytes: 0,
        })
    }

    /// Reads the text fields up to the file part, and returns that part unread.
    ///
    /// Errors: 400 `NO_FILE` (the form ends first), `UNEXPECTED_FILE` (a file under another
    /// name), `INVALID_FIELD` (an overlong text field), `INVALID_MULTIPART`; 415
    /// `UNSUPPORTED_MEDIA_TYPE`.
    pub(crate) async fn file(&mut self) -> Result<Field, ApiError> {
        while let Some(field) = self.form.next().await {
            let mut field = field.map_err(|e| multipart_error(&e))?;
            if self.is_file(&field)? {
                return Ok(field);
            }
            let name = field.name().unwrap_or_default().to_owned();
            let value = read_text(&mut field, &mut self.text_bytes).await?;
            self.texts.push((name, value));
        }
        Err(no_file())
    }

    /// The first text field among `names` that was sent before the file, trimmed.
    pub(crate) fn text(&self, names: &[&str]) -> Option<&str> {
        names.iter().find_map(|wanted| {
            self.texts
                .iter()
                .find(|(name, _)| name == wanted)
                .map(|(_, value)| value.as_str())
        })
    }

    /// Reads what follows the file: text fields are skipped (the old API ignored unknown
    /// ones), another file is refused. Call it before keeping the upload.
    ///
    /// Errors: 400 `TOO_MANY_FILES`, `UNEXPECTED_FILE`, `INVALID_FIELD`, `INVALID_MULTIPART`.
    pub(crate) async fn rest(mut self) -> Result<(), ApiError> {
        while let Some(field) = self.form.next().await {
            let mut field = field.map_err(|e| multipart_error(&e))?;
            let is_file = self.is_file(&field)?;
            let value = read_text(&mut field, &mut self.text_bytes).await;
            match value {
                // Browsers send an empty part for a file input left empty.
                Ok(value) if is_file && !value.is_empty() => return Err(too_many(self.file_field)),
                Ok(_) => {}
                Err(_) if is_file => return Err(too_many(self.file_field)),
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    fn is_file(&self, field: &Field) -> Result<bool, ApiError> {
        let name = field.name().unwrap_or_default();
        let has_file_name = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .is_some();
        if name == self.file_field {
            return Ok(true);
        }
        if has_file_name {
            return Err(ApiError::bad_request(
                UNEXPECTED_FILE,
                format!(
                    "Unexpected file field `{name}`: send the file as `{}`",
                    self.file_field
                ),
            ));
        }
        Ok(false)
    }
}

/// The next chunk of the file, as the client sent it.
///
/// Errors: 400 `INVALID_MULTIPART` (the body broke off or is malformed).
pub(crate) async fn next_chunk(field: &mut Field) -> Result<Option<Bytes>, ApiError> {
    match field.next().await {
        Some(chunk) => chunk.map(Some).map_err(|e| multipart_error(&e)),
        None => Ok(None),
    }
}

pub(crate) fn no_file() -> ApiError {
    ApiError::bad_request(NO_FILE, "No file provided")
}

/// 413 naming the cap in whole megabytes.
pub(crate) fn too_large(max_bytes: u64) -> ApiError {
    payload_too_large(format!(
        "The file is larger than {} MB",
        max_bytes.div_ceil(1024 * 1024)
    ))
}

fn too_many(file_field: &str) -> ApiError {
    ApiError::bad_request(TOO_MANY_FILES, format!("Send one file in `{file_field}`"))
}

async fn read_text(field: &mut Field, total: &mut usize) -> Result<String, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = next_chunk(field).await? {
        *total += chunk.len();
        if bytes.len() + chunk.len() > MAX_TEXT_BYTES || *total > FORM_OVERHEAD_BYTES as usize {
            return Err(text_too_long(
                field.name().unwrap_or_default(),
                MAX_TEXT_BYTES,
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&bytes).trim().to_owned())
}
