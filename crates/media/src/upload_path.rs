//! A file's place under the upload folder, and the public path the API hands out for it.

use std::fmt;

/// Every public path starts with this: `/uploads` is served from the upload folder and the app
/// builds `API_BASE + path` (CONTRACT §1.13).
pub const PUBLIC_PREFIX: &str = "uploads/";

/// The folder of uploaded videos.
pub const VIDEO_DIR: &str = "video";
/// The folder of uploaded documents.
pub const FILES_DIR: &str = "files";

/// A path relative to the upload folder, such as `brand/<uuid>.jpg`: `/`-separated, every
/// component a plain name (no empty, `.` or `..` component, no leading `/`, no NUL, no
/// backslash). Joined to the upload folder it cannot point outside it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UploadPath(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadPathError {
    #[error("the path is empty")]
    Empty,
    #[error("the path is absolute")]
    Absolute,
    #[error("the path has an empty, `.` or `..` component")]
    NotPlain,
    /// A backslash is refused because on some systems it separates components, which would let
    /// `..\` through.
    #[error("the path contains a NUL or a backslash")]
    ForbiddenCharacter,
    #[error("a public path must start with `{PUBLIC_PREFIX}`")]
    NotPublic,
}

impl UploadPath {
    /// Errors: [`UploadPathError`] except `NotPublic`.
    pub fn parse(relative: &str) -> Result<Self, UploadPathError> {
        if relative.is_empty() {
            return Err(UploadPathError::Empty);
        }
        if relative.contains(['\0', '\\']) {
            return Err(UploadPathError::ForbiddenCharacter);
        }
        if relative.starts_with('/') {
            return Err(UploadPathError::Absolute);
        }
        if relative
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..")
        {
            return Err(UploadPathError::NotPlain);
        }
        Ok(Self(relative.to_owned()))
    }

    /// The file behind a public path as stored in the database (`uploads/brand/<uuid>.jpg`).
    ///
    /// Errors: [`UploadPathError`].
    pub fn from_public(public: &str) -> Result<Self, UploadPathError> {
        let relative = public
            .strip_prefix(PUBLIC_PREFIX)
            .ok_or(UploadPathError::NotPublic)?;
        Self::parse(relative)
    }

    /// For names this crate builds from an [`crate::ImageKind`] folder and a UUID, which are
    /// plain by construction.
    pub(crate) fn from_parts(dir: &str, file_name: &str) -> Self {
        let path = Self(format!("{dir}/{file_name}"));
        debug_assert!(Self::parse(&path.0).is_ok(), "unsafe built path {path}");
        path
    }

    /// Where an uploaded video is kept: `video/<id>.<ext>`, the extension the one its first bytes
    /// proved (the old folder, CONTRACT §1.13).
    pub fn video(id: uuid::Uuid, container: crate::VideoContainer) -> Self {
        Self::from_parts(VIDEO_DIR, &format!("{}.{}", id, container.extension()))
    }

    /// Where an uploaded PDF document is kept: `files/<id>.pdf`.
    pub fn pdf(id: uuid::Uuid) -> Self {
        Self::from_parts(FILES_DIR, &format!("{id}.{}", crate::PDF_EXTENSION))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The components, for joining onto a folder one name at a time.
    pub fn components(&self) -> impl Iterator<Item = &str> {
        self.0.split('/')
    }

    /// What the API returns and the database stores: `uploads/<relative path>`.
    pub fn public(&self) -> String {
        format!("{PUBLIC_PREFIX}{}", self.0)
    }
}

impl fmt::Display for UploadPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests;
