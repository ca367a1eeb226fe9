//! What a listings use case can answer besides success; the edge maps each variant to one status
//! and one stable code.

use alpha_kernel::RepoError;
use alpha_media::MediaError;

use crate::types::Reference;

#[derive(Debug, thiserror::Error)]
pub enum ListingError {
    /// The post does not exist (404, the old `Post Not Found`).
    #[error("Post Not Found")]
    NotFound,
    /// The caller is neither the post's owner nor an admin, or is not an admin and tried to
    /// moderate (403).
    #[error("Forbidden")]
    Forbidden,
    /// A value is missing, malformed or out of range; names the field as the client sent it (400).
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    /// A currency label with no rate (400). The old API converted it at rate 1.
    #[error("unknown currency {0}")]
    UnknownCurrency(String),
    /// A brand, model, category or plan id that does not exist (400); `field` is the body field.
    #[error("{} does not exist", .0.field())]
    UnknownReference(Reference),
    /// No post photo has this uuid (404).
    #[error("Photo Not Found")]
    PhotoNotFound,
    /// The post would have more photos than it may (400).
    #[error("a post has at most {max} photos")]
    TooManyPhotos { max: usize },
    /// The upload was refused (not an image, too big) or its files could not be written.
    #[error(transparent)]
    Media(#[from] MediaError),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl ListingError {
    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            reason: reason.into(),
        }
    }

    /// The body or query field an error is about, for the edge's message.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            Self::UnknownCurrency(_) => Some("currency"),
            Self::UnknownReference(r) => Some(r.field()),
            Self::NotFound
            | Self::Forbidden
            | Self::PhotoNotFound
            | Self::TooManyPhotos { .. }
            | Self::Media(_)
            | Self::Repo(_) => None,
        }
    }
}
