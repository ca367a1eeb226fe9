//! One error enum per use case.

use alpha_kernel::RepoError;

use crate::types::ChatTextError;

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error(transparent)]
    Text(#[from] ChatTextError),
    /// Messages to oneself have no recipient to deliver to.
    #[error("cannot send a message to yourself")]
    ToSelf,
    #[error("no such user")]
    UnknownRecipient,
    #[error(transparent)]
    Infrastructure(#[from] RepoError),
}

#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    #[error(transparent)]
    Infrastructure(#[from] RepoError),
}
