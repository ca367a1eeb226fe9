//! Community domain: comments on posts (CONTRACT §2.11, #83–87) and the blog, called vlog on the
//! wire (§2.12, #88–92, with its images #60–61).
//!
//! The old API had no rules here: anyone signed in could rewrite any comment column or delete
//! any comment, edit or delete any blog entry and post one in another user's name (S4); the
//! public blog list carried its authors' whole user rows and the comments their e-mail (S7); the
//! list ignored `offset` and `userId` (B12); the app's blog form, which sends only a
//! `description`, always failed (§3.3.3). This crate holds the rules, free of HTTP and SQL:
//!
//! - [`comments`]: [`comments::CommentService`] (the post must exist, a reply stays in its post,
//!   the author or an admin edits the message and deletes, every write moves the listings
//!   version so the cached post page shows it);
//! - [`blog`]: [`blog::BlogService`] (the caller is the author, a title is derived when the app
//!   sends none, entries start pending, only admins moderate, the public sees accepted entries
//!   and their own) and [`blog::BlogPhotoService`] (the blog's images through `alpha_media`).

mod actor;
mod author;
pub mod blog;
pub mod comments;
mod text;

pub use actor::Actor;
pub use author::{AuthorView, AvatarView, ImagePaths};
