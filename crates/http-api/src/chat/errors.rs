//! The chat context's errors at the edge.

use alpha_chat::ChatError;

use crate::error::ApiError;

impl From<ChatError> for ApiError {
    fn from(err: ChatError) -> Self {
        match err {
            ChatError::Infrastructure(repo) => ApiError::from_repo(&repo),
        }
    }
}
