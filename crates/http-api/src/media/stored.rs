//! `/uploads` and `/media` served from a [`MediaReader`] (the S3 bucket) rather than a folder,
//! through the server: the URLs the app already holds stay valid and the bucket need not be
//! public. It answers as the folder mount does ([`super::files`]), with the file server's own
//! pieces where they fit: the same path checks (`PathBufWrap`), range parsing (`HttpRange`) and
//! content types (`file_extension_to_mime`); the same validators (`ETag`, here the store's, and
//! `Last-Modified`) and conditional requests (`304`, `412`); ranges (`206`, `416`); `HEAD`
//! without reading the bytes. The mount's middleware adds the caching, `nosniff` and JSON
//! error bodies for both.
//!
//! A plain `GET` is one request to the store; a conditional or ranged one asks what the file
//! is first, then reads only what is sent. The bytes stream through a chunk at a time.

use std::sync::Arc;

use actix_files::{HttpRange, PathBufWrap, file_extension_to_mime};
use actix_web::body::SizedStream;
use actix_web::http::header::{
    self, ContentDisposition, DispositionParam, DispositionType, EntityTag, HttpDate, IfMatch,
    IfModifiedSince, IfNoneMatch, IfRange, IfUnmodifiedSince,
};
use actix_web::http::{Method, StatusCode};
use actix_web::web::{self, Bytes};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, HttpResponseBuilder};
use alpha_media::{FileChunks, MediaReader, StorageError, StoredFile, UploadPath};
use futures_util::stream;

use crate::error::error_chain;
use crate::media::errors::storage_unavailable;

/// Every path under the mount, every method (others get 405 from the handler, as from the
/// folder mount).
pub(crate) fn configure(reader: Arc<dyn MediaReader>) -> impl FnOnce(&mut web::ServiceConfig) {
    move |config| {
        config.route(
            "/{tail:.*}",
            web::route().to(move |req: HttpRequest| serve(req, reader.clone())),
        );
    }
}

async fn serve(req: HttpRequest, reader: Arc<dyn MediaReader>) -> HttpResponse {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        // The mount's error handler writes the body and `Allow`.
        return HttpResponse::MethodNotAllowed().finish();
    }
    let Ok(path) = PathBufWrap::parse_path(req.match_info().query("tail"), false) else {
        return HttpResponse::BadRequest().finish();
    };
    let relative = (path.as_ref().iter())
        .map(|part| part.to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let Ok(path) = UploadPath::parse(&relative) else {
        return HttpResponse::NotFound().finish();
    };
    match answer(&req, &*reader, &path).await {
        Ok(response) => response,
        Err(e) => actix_web::ResponseError::error_response(&storage_unavailable(&e)),
    }
}

async fn answer(
    req: &HttpRequest,
    reader: &dyn MediaReader,
    path: &UploadPath,
) -> Result<HttpResponse, StorageError> {
    let headers = req.headers();
    let conditional = [
        header::RANGE,
        header::IF_MATCH,
        header::IF_NONE_MATCH,
        header::IF_MODIFIED_SINCE,
        header::IF_UNMODIFIED_SINCE,
    ]
    .iter()
    .any(|name| headers.contains_key(name));
    let is_head = req.method() == Method::HEAD;
    if !conditional && !is_head {
        // The common case, an image or a whole video: one request to the store.
        let Some((file, chunks)) = reader.read(path, None).await? else {
            return Ok(HttpResponse::NotFound().finish());
        };
        let mut response = described(StatusCode::OK, path, &file);
        return Ok(response.body(SizedStream::new(file.size, body(chunks))));
    }
    let Some(file) = reader.stat(path).await? else {
        return Ok(HttpResponse::NotFound().finish());
    };
    let etag = file
        .etag
        .as_deref()
        .and_then(|tag| tag.parse::<EntityTag>().ok());
    let modified = file.last_modified.map(HttpDate::from);
    let mut response = described(StatusCode::OK, path, &file);
    if !if_match(req, etag.as_ref(), modified) {
        return Ok(response.status(StatusCode::PRECONDITION_FAILED).finish());
    }
    if not_modified(req, etag.as_ref(), modified) {
        return Ok(response.status(StatusCode::NOT_MODIFIED).finish());
    }
    let mut range = None;
    if let Some(value) = headers
        .get(header::RANGE)
        .filter(|_| if_range(req, etag.as_ref(), modified))
    {
        let Ok(text) = value.to_str() else {
            return Ok(response.status(StatusCode::BAD_REQUEST).finish());
        };
        match HttpRange::parse(text, file.size)
            .ok()
            .and_then(|r| r.first().copied())
        {
            Some(HttpRange { start, length }) if length > 0 => {
                let end = start + length;
                response.status(StatusCode::PARTIAL_CONTENT).insert_header((
                    header::CONTENT_RANGE,
                    format!("bytes {start}-{}/{}", end - 1, file.size),
                ));
                range = Some(start..end);
            }
            _ => {
                return Ok(response
                    .status(StatusCode::RANGE_NOT_SATISFIABLE)
                    .insert_header((header::CONTENT_RANGE, format!("bytes */{}", file.size)))
                    .finish());
            }
        }
    }
    let length = range.as_ref().map_or(file.size, |r| r.end - r.start);
    if is_head {
        return Ok(response.no_chunking(length).finish());
    }
    let Some((_, chunks)) = reader.read(path, range).await? else {
        // Deleted between the two requests.
        return Ok(HttpResponse::NotFound().finish());
    };
    Ok(response.body(SizedStream::new(length, body(chunks))))
}

/// The headers every answer about the file carries, as the file server sends them.
fn described(status: StatusCode, path: &UploadPath, file: &StoredFile) -> HttpResponseBuilder {
    let name = path.components().last().unwrap_or_default();
    let extension = name.rsplit_once('.').map_or("", |(_, ext)| ext);
    let mut response = HttpResponse::build(status);
    response
        .insert_header((
            header::CONTENT_TYPE,
            file_extension_to_mime(extension).to_string(),
        ))
        .insert_header(ContentDisposition {
            // The old mounts sent no disposition: a PDF opens in the viewer.
            disposition: DispositionType::Inline,
            parameters: vec![DispositionParam::Filename(name.to_owned())],
        })
        .insert_header((header::ACCEPT_RANGES, "bytes"));
    if let Some(etag) = &file.etag {
        response.insert_header((header::ETAG, etag.as_str()));
    }
    if let Some(modified) = file.last_modified {
        response.insert_header(header::LastModified(HttpDate::from(modified)));
    }
    response
}

/// `If-Match` and, without it, `If-Unmodified-Since` allow the request.
fn if_match(req: &HttpRequest, etag: Option<&EntityTag>, modified: Option<HttpDate>) -> bool {
    match req.get_header::<IfMatch>() {
        Some(IfMatch::Any) => true,
        Some(IfMatch::Items(tags)) => {
            etag.is_some_and(|etag| tags.iter().any(|t| t.strong_eq(etag)))
        }
        None => match (req.get_header::<IfUnmodifiedSince>(), modified) {
            (Some(IfUnmodifiedSince(since)), Some(modified)) => seconds(modified) <= seconds(since),
            _ => true,
        },
    }
}

/// `If-None-Match` or, without it, `If-Modified-Since` says the client's copy is current.
fn not_modified(req: &HttpRequest, etag: Option<&EntityTag>, modified: Option<HttpDate>) -> bool {
    match req.get_header::<IfNoneMatch>() {
        Some(IfNoneMatch::Any) => true,
        Some(IfNoneMatch::Items(tags)) => {
            etag.is_some_and(|etag| tags.iter().any(|t| t.weak_eq(etag)))
        }
        None => match (req.get_header::<IfModifiedSince>(), modified) {
            (Some(IfModifiedSince(since)), Some(modified)) => seconds(modified) <= seconds(since),
            _ => false,
        },
    }
}

/// A range is honoured unless `If-Range` names another version (then the whole file is sent).
fn if_range(req: &HttpRequest, etag: Option<&EntityTag>, modified: Option<HttpDate>) -> bool {
    match req.get_header::<IfRange>() {
        None => true,
        Some(IfRange::EntityTag(tag)) => etag.is_some_and(|etag| tag.strong_eq(etag)),
        Some(IfRange::Date(date)) => modified.is_some_and(|m| seconds(m) == seconds(date)),
    }
}

/// HTTP dates have whole seconds.
fn seconds(date: HttpDate) -> u64 {
    std::time::SystemTime::from(date)
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The chunks as a body stream; a failure mid-way ends the response early (the client sees a
/// short body against its `Content-Length` and asks again) and is logged.
fn body(
    chunks: Box<dyn FileChunks>,
) -> impl futures_util::Stream<Item = Result<Bytes, StorageError>> + 'static {
    stream::unfold(Some(chunks), |chunks| async move {
        let mut chunks = chunks?;
        match chunks.next_chunk().await {
            Ok(Some(chunk)) => Some((Ok(Bytes::from(chunk)), Some(chunks))),
            Ok(None) => None,
            Err(e) => {
                tracing::warn!(error = %error_chain(&e), "media storage failed mid-file");
                Some((Err(e), None))
            }
        }
    })
}
