//! What the video and file endpoints share: streaming the upload into the attachment rules, the
//! post named by the form, the list paging, the move body, and the shapes the OpenAPI document
//! shows (the handlers send `alpha_listings`' views).

use actix_multipart::Multipart;
use actix_web::HttpRequest;
use alpha_listings::{Page, PostFile, PostId, Video};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::actor;
use super::errors::INVALID_FIELD;
use super::schema::PostDoc;
use crate::auth_user::CurrentUser;
use crate::error::ApiError;
use crate::media::stream::{StreamedForm, next_chunk};
use crate::state::AppState;

/// Reads the form and streams its `file` into `post`'s new video: the post (from the first of
/// `post_fields` sent before the file) is checked, and the caller's right to it, before a byte
/// of the file is read.
pub(crate) async fn stream_video(
    state: &AppState,
    user: &CurrentUser,
    req: &HttpRequest,
    form: Multipart,
    post_fields: &[&str],
) -> Result<Video, ApiError> {
    let service = &state.attachments;
    let mut form = StreamedForm::new(req, form, "file", service.max_video_bytes())?;
    let mut field = form.file().await?;
    let post = post_of(&form, post_fields)?;
    let mut upload = service.start_video(actor(user), post).await?;
    while let Some(chunk) = next_chunk(&mut field).await? {
        upload.write(&chunk).await?;
    }
    drop(field);
    form.rest().await?;
    Ok(upload.finish().await?)
}

/// As [`stream_video`], for a PDF document.
pub(crate) async fn stream_pdf(
    state: &AppState,
    user: &CurrentUser,
    req: &HttpRequest,
    form: Multipart,
    post_fields: &[&str],
) -> Result<PostFile, ApiError> {
    let service = &state.attachments;
    let max_bytes = alpha_listings::AttachmentService::MAX_PDF_BYTES;
    let mut form = StreamedForm::new(req, form, "file", max_bytes)?;
    let mut field = form.file().await?;
    let post = post_of(&form, post_fields)?;
    let mut upload = service.start_file(actor(user), post).await?;
    while let Some(chunk) = next_chunk(&mut field).await? {
        upload.write(&chunk).await?;
    }
    drop(field);
    form.rest().await?;
    Ok(upload.finish().await?)
}

/// The post the form names; the file is not buffered while waiting for it, so it must come
/// first.
fn post_of(form: &StreamedForm, fields: &[&str]) -> Result<PostId, ApiError> {
    let name = fields.first().copied().unwrap_or("postId");
    let text = form.text(fields).ok_or_else(|| {
        ApiError::bad_request(
            INVALID_FIELD,
            format!("{name} is required, sent before the file"),
        )
    })?;
    Uuid::parse_str(text)
        .map(PostId)
        .map_err(|_| ApiError::bad_request(INVALID_FIELD, format!("{name} must be a UUID")))
}

/// `offset` and `limit` of the lists (the old API sent every row).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Rows to skip (default 0).
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295.0)]
    pub offset: Option<u32>,
    /// Rows to send: default 100, at most 1000 (more is read as 1000).
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4294967295.0)]
    pub limit: Option<u32>,
}

impl PageQuery {
    pub(crate) fn page(&self) -> Page {
        Page {
            offset: self.offset.map_or(0, u64::from),
            limit: self
                .limit
                .map_or(Page::DEFAULT_LIMIT, u64::from)
                .min(Page::MAX_LIMIT),
        }
    }
}

/// `PUT`/`PATCH` of a video or a file.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MoveBody {
    /// Moves the row to this post (which must be the caller's too); the post's own video (or
    /// file) is replaced. Absent: nothing changes.
    #[serde(rename = "postId")]
    #[schema(value_type = Option<String>, format = Uuid, pattern = r"^([0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}|urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$")]
    pub post_id: Option<Uuid>,
}

/// `{message}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Deleted {
    pub message: String,
}

// The types below only describe the forms and replies in the OpenAPI document.

/// The video under `file`, after the post's uuid under `postId` (or `uuid`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct VideoUploadForm {
    /// The post; must come before `file`.
    #[schema(rename = "postId")]
    post_id: Uuid,
    /// An MP4, QuickTime or WebM video (told by its first bytes), at most `uploads.max_video_bytes`
    /// (500 MB by default).
    #[schema(value_type = String, content_media_type = "application/octet-stream")]
    file: Vec<u8>,
}

/// The video under `file`, after the post's uuid under `uuid` (or `postId`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct VideoReplaceForm {
    /// The post; must come before `file`.
    uuid: Uuid,
    /// An MP4, QuickTime or WebM video (told by its first bytes), at most `uploads.max_video_bytes`.
    #[schema(value_type = String, content_media_type = "application/octet-stream")]
    file: Vec<u8>,
}

/// The document under `file`, after the post's uuid under `postId` (or `uuid`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct FileUploadForm {
    /// The post; must come before `file`.
    #[schema(rename = "postId")]
    post_id: Uuid,
    /// A PDF document (it must start with `%PDF-`) of at most 5 MB.
    #[schema(value_type = String, content_media_type = "application/octet-stream")]
    file: Vec<u8>,
}

/// A post's video. `url` is relative to the upload folder; `publicUrl` is where `/media` serves
/// it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Video)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct VideoDoc {
    /// The bigint id, as a string.
    pub id: String,
    pub url: Option<String>,
    pub post_id: Option<Uuid>,
    pub created_at: String,
    pub updated_at: String,
    #[schema(required = false)]
    pub public_url: Option<String>,
}

/// A video with its post as `GET /posts/{uuid}` shows it, without the related rows (`null` for
/// a video without a post).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = VideoWithPost)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct VideoWithPostDoc {
    #[serde(flatten)]
    pub video: VideoDoc,
    pub post: Option<PostDoc>,
}

/// A post's PDF document. `path` is public (`uploads/files/<uuid>.pdf`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = File)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct FileDoc {
    pub uuid: Uuid,
    pub path: Option<String>,
    pub post_id: Option<Uuid>,
    pub created_at: String,
    pub updated_at: String,
}
