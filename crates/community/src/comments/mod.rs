//! Comments on posts (CONTRACT §2.11). The `comments` table belongs to this context; the post
//! page of the listings context shows a post's comments, so every write here moves the listings
//! version the rendered post pages are kept under.

mod errors;
mod ports;
mod service;
mod types;
mod views;

pub use errors::CommentError;
pub use ports::{CommentRecord, CommentRepo, CommentSnapshot, Inserted};
pub use service::CommentService;
pub use types::{CommentId, CommentText, NewComment};
pub use views::{CommentView, ParentView, PersonalInfoView};

#[cfg(test)]
pub(crate) use ports::MockCommentRepo;

#[cfg(test)]
mod tests;
