//! A post's video and PDF document (CONTRACT §2.9, §2.10, #66–#82). The old API let anyone
//! upload, move and delete them (S5), its video update and delete always failed (B3), kept any
//! bytes under any name, and left files behind. The rules here: every change is made by the
//! post's owner or an admin (the same rule as the post itself); an upload proves its type by its
//! first bytes and is stored under the name that proof gives; it streams to a pending file that
//! only appears once its row exists, so a refusal or failure at any step leaves neither file nor
//! row; a post has one video and one document: a new upload (or a row moved onto the post)
//! replaces the previous one, whose row and file are removed.

mod errors;
mod ports;
mod service;
mod types;
mod upload;

pub use errors::AttachmentError;
pub use ports::{AttachmentRepo, Moved};
pub use service::{AttachmentService, FileUpload, VideoUpload};
pub use types::{FileId, Page, PostFile, Video, VideoId, VideoView, VideoWithPost};

#[cfg(test)]
pub(crate) use ports::MockAttachmentRepo;

#[cfg(test)]
mod tests;
