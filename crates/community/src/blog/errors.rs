use alpha_kernel::RepoError;
use alpha_media::MediaError;

/// What a blog use case can answer besides success; the edge maps each to one status and code.
#[derive(Debug, thiserror::Error)]
pub enum BlogError {
    /// No entry has this id, or the caller may not see it (404).
    #[error("Vlog Not Found")]
    NotFound,
    /// Neither the author nor an admin, or a moderation field from a non-admin (403).
    #[error("Forbidden")]
    Forbidden,
    /// A value is missing or out of range; names the field (400).
    #[error("{field} {reason}")]
    Invalid { field: &'static str, reason: String },
    /// No blog image has this uuid (404).
    #[error("Photo Not Found")]
    PhotoNotFound,
    /// The upload was refused (not an image, too big) or its files could not be written.
    #[error(transparent)]
    Media(#[from] MediaError),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl BlogError {
    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            reason: reason.into(),
        }
    }
}
