//! Listings domain: the rules of the marketplace's posts (CONTRACT §2.7, #40–49).
//!
//! The old API had almost none: anyone signed in could edit or delete any post and approve their
//! own (S4), an edit did not convert the price and replaced the seller's contact details (B9), an
//! unknown currency was taken at rate 1, a post could never get a category (B8), its photos stayed
//! on disk after a delete (B11), the feed counted joined photo rows (B7) and junk query values
//! became 500s. This crate holds those rules, free of HTTP and SQL:
//!
//! - [`FeedQuery`]: every filter of `GET /posts`, parsed from the raw query strings into a
//!   validated value (a bad number, boolean, uuid or `sortBy` names its field);
//! - [`NewPost`] and [`PostChanges`]: the create and update bodies, validated on construction;
//! - [`ListingService`]: creation (price converted to TMT through [`Rates`], references checked,
//!   moderation pending), updates and deletes by the owner or an admin only, moderation by admins
//!   only, the reads that carry a rule;
//! - [`PostPhotoService`]: a post's photos, added and deleted by the owner or an admin only,
//!   all or none, through `alpha_media`'s checks;
//! - [`AttachmentService`]: a post's video and PDF document, streamed, checked by content and
//!   changed by the owner or an admin only (S5, B3);
//! - the ports the store ([`PostRepo`], [`Rates`], [`PostPhotos`], [`AttachmentRepo`]) and the
//!   upload folder ([`MediaCleanup`])
//!   implement.

mod attachments;
mod errors;
mod feed;
mod feed_counts;
mod inputs;
mod photos;
mod ports;
mod service;
mod types;

#[cfg(test)]
mod test_support;
pub mod views;

pub use attachments::{
    AttachmentError, AttachmentRepo, AttachmentService, FileId, FileUpload, Moved, Page, PostFile,
    Video, VideoId, VideoUpload, VideoView, VideoWithPost,
};
pub use errors::ListingError;
pub use feed::{FeedIncludes, FeedQuery, Range, RawFeedQuery, SortBy, SortDir};
pub use feed_counts::FeedCounts;
pub use inputs::{NewPost, NewPostInput, PostChanges, PostChangesInput, PostFields};
pub use photos::{Attached, NewPostPhoto, PostPhotoService, PostPhotos};
pub use ports::{MediaCleanup, ModerationNote, PostPatch, PostRecord, PostRepo, Rates};
pub use service::{Actor, FeedAnswer, ListingService, ModerationPage};
pub use types::{
    ConvertedPrice, CurrencyCode, Moderation, PersonalInfo, PostId, PostMedia, PostRefs, Rate,
    Reference,
};
pub use views::{FeedPage, PostSnapshot, PostView};
