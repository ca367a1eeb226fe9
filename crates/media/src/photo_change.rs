//! The result of a photo change whose clean-up may have failed.

use crate::errors::MediaError;

/// What a change did. The change itself succeeded; `cleanup` is set when unused files could not
/// all be removed, which the caller logs (the rows no longer point at them).
#[derive(Debug)]
pub struct PhotoChange<T> {
    pub value: T,
    pub cleanup: Option<MediaError>,
}

/// What recording a stored image did: the caller's value, and the public paths of the files the
/// rows it replaced named, which are now unused.
#[derive(Debug)]
pub struct Recorded<T> {
    pub value: T,
    pub replaced: Vec<String>,
}
