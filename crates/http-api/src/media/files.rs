//! `GET /uploads/<kind>/<file>` and `GET /media/<kind>/<file>`: the upload folder as the old
//! backend's two static mounts served it (CONTRACT §1.2, §1.13). Image paths are public paths
//! (`uploads/brand/x.jpg`); a video's `publicUrl` is `/media/video/<file>`, its `url` relative to
//! the same folder. Both mounts serve the same root, the same way:
//!
//! * only files: no listing, no hidden names (the store's temporary files start with a dot),
//!   no `..` above the root, no `%2F` inside a segment (actix-files refuses these before
//!   touching the disk);
//! * byte ranges (`Range`, `206`, `416`), so players can seek in a video;
//! * `ETag` and `Last-Modified` with conditional requests (`304`), and
//!   `Cache-Control: public, max-age=31536000, immutable`: every stored name is fresh per upload
//!   (a new upload gets a new name), so the bytes behind a name never change;
//! * the content type from the extension (`image/jpeg`, `video/mp4`, `application/pdf`, ...),
//!   shown inline as the old static mounts did, with `X-Content-Type-Options: nosniff`;
//! * errors in the API's JSON shape.
//!
//! With media in S3 (`storage.backend = "s3"`) both mounts serve the bucket through the server
//! instead ([`super::stored`]), the same way.
//!
//! Not in the OpenAPI document: it serves files, not the JSON API.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use actix_files::Files;
use actix_web::body::MessageBody;
use actix_web::dev::{HttpServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, DispositionType, HeaderValue};
use actix_web::middleware::{DefaultHeaders, ErrorHandlerResponse, ErrorHandlers, Next, from_fn};
use actix_web::{ResponseError, web};
use alpha_media::MediaReader;

use crate::error::ApiError;

/// Where the app finds the public paths it is given (`uploads/...`).
pub(crate) const MOUNT: &str = "/uploads";
/// Where video `publicUrl`s point (`/media/video/<file>`).
pub(crate) const MEDIA_MOUNT: &str = "/media";

/// Stored names are unique per upload, so a response may be kept for a year without asking.
pub(crate) const CACHE_FOREVER: &str = "public, max-age=31536000, immutable";

/// Where the files `/uploads` and `/media` serve are.
#[derive(Clone)]
pub enum ServedFiles {
    /// The upload folder (`uploads.dir`); it must exist ([`served_root`]), or both mounts
    /// serve nothing.
    Folder(PathBuf),
    /// A store read through the port (the S3 bucket).
    Store(Arc<dyn MediaReader>),
}

impl std::fmt::Debug for ServedFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Folder(root) => f.debug_tuple("Folder").field(root).finish(),
            Self::Store(_) => f.write_str("Store"),
        }
    }
}

/// The files under [`MOUNT`].
pub(crate) fn uploads(files: &ServedFiles) -> impl HttpServiceFactory + use<> {
    mount(MOUNT, files)
}

/// The same files under [`MEDIA_MOUNT`].
pub(crate) fn media(files: &ServedFiles) -> impl HttpServiceFactory + use<> {
    mount(MEDIA_MOUNT, files)
}

/// The upload folder as the server should serve it: absolute and an existing folder.
///
/// actix-files serves whatever path it is given, and an empty or relative one resolves against
/// the working directory; the server checks this at start-up and refuses to run without it.
///
/// Errors: the folder does not exist, cannot be resolved or is not a folder.
pub fn served_root(root: &Path) -> io::Result<PathBuf> {
    let resolved = root.canonicalize()?;
    if resolved.is_dir() {
        Ok(resolved)
    } else {
        Err(io::Error::new(
            io::ErrorKind::NotADirectory,
            format!("{} is not a folder", resolved.display()),
        ))
    }
}

fn mount(at: &'static str, files: &ServedFiles) -> impl HttpServiceFactory + use<> {
    let serve: Box<dyn FnOnce(&mut web::ServiceConfig)> = match files {
        ServedFiles::Folder(root) => Box::new(folder(at, root)),
        ServedFiles::Store(reader) => Box::new(super::stored::configure(reader.clone())),
    };
    web::scope(at)
        .wrap(ErrorHandlers::new().default_handler_client(json_error))
        // A stored file is only ever what its extension says; the header keeps a browser from
        // reading anything else into it.
        .wrap(DefaultHeaders::new().add((header::X_CONTENT_TYPE_OPTIONS, "nosniff")))
        .wrap(from_fn(cache_forever))
        .configure(serve)
}

/// The folder through actix-files.
fn folder(at: &'static str, root: &Path) -> impl FnOnce(&mut web::ServiceConfig) + use<> {
    let served = served_root(root)
        .inspect_err(|e| {
            // Fails closed: nothing is served, every path answers the app's JSON 404.
            tracing::error!(root = %root.display(), error = %e, "{at} serves nothing: no upload folder");
        })
        .ok();
    move |config| {
        if let Some(dir) = served {
            config.service(
                Files::new("", dir)
                    // The old mounts sent no Content-Disposition: a PDF opens in the viewer.
                    .mime_override(|_| DispositionType::Inline),
            );
        }
    }
}

/// [`CACHE_FOREVER`] on a file or a part of one (`200`, `206`) and on `304`, never on errors.
async fn cache_forever(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut res = next.call(req).await?;
    let status = res.status();
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(CACHE_FOREVER),
        );
    }
    Ok(res)
}

/// actix-files answers plain text (or nothing); the API answers JSON with a `code`. Other
/// statuses (a range not satisfiable, a failed precondition) are the HTTP file semantics and
/// stay as they are.
fn json_error<B: MessageBody>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let status = res.status();
    let message = format!("Cannot {} {}", res.request().method(), res.request().path());
    let error = match status {
        StatusCode::NOT_FOUND => ApiError::not_found(message),
        StatusCode::METHOD_NOT_ALLOWED => {
            ApiError::new(status, "METHOD_NOT_ALLOWED", message).with_legacy_fields()
        }
        // A path segment actix-files refuses (`..`, a hidden name, an undecodable byte).
        StatusCode::BAD_REQUEST => {
            ApiError::bad_request("INVALID_PATH_PARAMETER", "Invalid file path")
        }
        _ => return Ok(ErrorHandlerResponse::Response(res.map_into_left_body())),
    };
    let mut response = error.error_response();
    if status == StatusCode::METHOD_NOT_ALLOWED {
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    }
    let (req, _) = res.into_parts();
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}

#[cfg(test)]
mod tests;
