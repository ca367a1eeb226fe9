//! The blog, `vlog` on the wire (CONTRACT §2.12), and its images (§2.8 #60–61). The `vlogs`
//! table and the blog's `photo` rows (unlinked rows under `uploads/vlog/`) belong here.

mod errors;
mod inputs;
mod photos;
mod ports;
mod query;
mod service;
mod types;
mod views;

pub use errors::BlogError;
pub use inputs::{NewVlog, VlogChanges, VlogFields};
pub use photos::{BlogPhotoService, NewBlogPhoto};
pub use ports::{BlogPhotos, VlogPatch, VlogRecord, VlogRepo, VlogSnapshot};
pub use query::{RawVlogQuery, SortDir, Visibility, VlogQuery, VlogSort};
pub use service::BlogService;
pub use types::{VlogId, VlogStatus};
pub use views::{BlogPhotoView, VlogPage, VlogView};

#[cfg(test)]
mod tests;
