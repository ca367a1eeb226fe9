//! What the photo endpoints share: the form as documented, the owner's uuid from the form, the
//! reply that carries the photo, and the log line for files that could not be removed.

use alpha_catalog::views::PhotoView;
use alpha_catalog::{PhotoError, PhotoOwner};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::ApiError;
pub(crate) use crate::media::cleanup::settled;
pub(crate) use crate::media::form::owner_uuid;
use crate::state::AppState;

// The form structs only describe the forms in the OpenAPI document: the handlers stream the
// parts (`media::form`) instead of buffering a whole form, so nothing constructs them.

/// One image under `files` and the `uuid` of the row it belongs to.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct FilesForm {
    /// One JPEG, PNG or WebP image of at most 5 MB (one file: a second one is refused with
    /// `TOO_MANY_FILES`).
    #[schema(value_type = String, content_media_type = "application/octet-stream")]
    files: Vec<u8>,
    uuid: Uuid,
}

/// One image under `file` and the `uuid` of the row it belongs to.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct FileForm {
    /// A JPEG, PNG or WebP image of at most 5 MB.
    #[schema(value_type = String, content_media_type = "application/octet-stream")]
    file: Vec<u8>,
    uuid: Uuid,
}

/// One image under `file`; the row it belongs to is named in the path.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(crate) struct FileOnlyForm {
    /// A JPEG, PNG or WebP image of at most 5 MB.
    #[schema(value_type = String, content_media_type = "application/octet-stream")]
    file: Vec<u8>,
}

/// `{message, uuid}` where `uuid` holds the whole photo, as the old API named it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PhotoSaved {
    pub message: &'static str,
    pub uuid: PhotoView,
}

/// Removes the photo of a row about to be deleted, with its files: the foreign key would only
/// unlink the photo row, leaving it and its files behind. A row without a photo is fine.
pub(crate) async fn drop_photo_of(
    state: &AppState,
    owner: PhotoOwner,
    owner_uuid: Uuid,
) -> Result<(), ApiError> {
    match state.catalog_photos.delete_of(owner, owner_uuid).await {
        Ok(change) => {
            settled(change);
            Ok(())
        }
        Err(PhotoError::NotFound(_)) => Ok(()),
        Err(other) => Err(other.into()),
    }
}
