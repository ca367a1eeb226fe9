//! What an attachment use case can answer besides success; the edge maps each variant to one
//! status and one stable code.

use alpha_kernel::RepoError;
use alpha_media::{StorageError, UploadError};

#[derive(Debug, thiserror::Error)]
pub enum AttachmentError {
    /// The post named by the form, the body or the path does not exist (404).
    #[error("Post Not Found")]
    PostNotFound,
    #[error("Video not found")]
    VideoNotFound,
    #[error("File not found")]
    FileNotFound,
    /// Neither the owner of the post (of every post involved) nor an admin (403).
    #[error("Forbidden")]
    Forbidden,
    /// The upload had no bytes (400).
    #[error("the file is empty")]
    Empty,
    /// The first bytes are not an MP4, QuickTime or WebM container (400).
    #[error("the file is not an MP4, MOV or WebM video")]
    NotAVideo,
    /// The first bytes are not `%PDF-` (400).
    #[error("the file is not a PDF document")]
    NotAPdf,
    /// More bytes than the cap (413).
    #[error("the file is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: u64 },
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl From<UploadError> for AttachmentError {
    fn from(err: UploadError) -> Self {
        match err {
            UploadError::TooLarge { max_bytes } => Self::TooLarge { max_bytes },
            UploadError::Storage(e) => Self::Storage(e),
        }
    }
}
