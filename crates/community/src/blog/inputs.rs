//! The create and update bodies (#88, #91). The edge deserialises JSON into [`VlogFields`]
//! (types only); [`NewVlog::new`] and [`VlogChanges::new`] apply the value rules, so one in hand
//! is valid.

use serde_json::Value;

use super::errors::BlogError;
use super::types::VlogStatus;
use crate::text::{MAX_TEXT, problem};

/// `description` is `text`; a bound keeps one entry from being megabytes.
pub(crate) const MAX_DESCRIPTION: usize = 10_000;
/// A derived title takes the description's first words up to this many characters.
pub(crate) const DERIVED_TITLE_CHARS: usize = 60;

/// The fields a create and an update share; `None` is "not given".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VlogFields {
    pub title: Option<String>,
    pub description: Option<String>,
    pub tag: Option<String>,
    pub video_url: Option<String>,
    pub is_active: Option<bool>,
    /// A JSON object.
    pub thumbnail: Option<Value>,
}

impl VlogFields {
    fn validated(self) -> Result<Self, BlogError> {
        Ok(Self {
            title: bounded("title", self.title, 1, MAX_TEXT)?,
            description: bounded("description", self.description, 0, MAX_DESCRIPTION)?,
            tag: bounded("tag", self.tag, 0, MAX_TEXT)?,
            video_url: bounded("videoUrl", self.video_url, 0, MAX_TEXT)?,
            is_active: self.is_active,
            thumbnail: match self.thumbnail {
                Some(Value::Object(o)) => Some(Value::Object(o)),
                Some(_) => return Err(BlogError::invalid("thumbnail", "must be an object")),
                None => None,
            },
        })
    }

    fn touches_content(&self) -> bool {
        *self != Self::default()
    }
}

fn bounded(
    field: &'static str,
    value: Option<String>,
    min: usize,
    max: usize,
) -> Result<Option<String>, BlogError> {
    match value {
        Some(v) => match problem(&v, min, max) {
            Some(reason) => Err(BlogError::invalid(field, reason)),
            None => Ok(Some(v)),
        },
        None => Ok(None),
    }
}

/// A valid entry to create, with its title (given, or derived from the description).
#[derive(Debug, Clone, PartialEq)]
pub struct NewVlog {
    title: String,
    fields: VlogFields,
}

impl NewVlog {
    /// The app sends `{description}` alone (§3.3.3), so the description is what an entry must
    /// have; without a title, its first words make one.
    ///
    /// Errors: `Invalid` naming the field; `Invalid { field: "description" }` when it is
    /// missing or blank.
    pub fn new(fields: VlogFields) -> Result<Self, BlogError> {
        let fields = fields.validated()?;
        let title = fields
            .description
            .as_deref()
            .and_then(derive_title)
            .ok_or_else(|| BlogError::invalid("description", "must not be blank"))?;
        let title = match &fields.title {
            Some(given) if !is_blank(given) => given.clone(),
            _ => title,
        };
        Ok(Self { title, fields })
    }

    pub fn title(&self) -> &str {
        &self.title
    }

    pub fn fields(&self) -> &VlogFields {
        &self.fields
    }
}

/// Blank as `str::trim` sees it (Unicode White_Space), which the OpenAPI pattern states.
pub(crate) fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

/// The first words of `text`, whole words up to [`DERIVED_TITLE_CHARS`] characters (a first
/// word longer than that is cut); `None` when it is blank.
pub(crate) fn derive_title(text: &str) -> Option<String> {
    let mut title = String::new();
    for word in text.split_whitespace() {
        let wanted = title.chars().count() + usize::from(!title.is_empty()) + word.chars().count();
        if wanted > DERIVED_TITLE_CHARS {
            if title.is_empty() {
                title = word.chars().take(DERIVED_TITLE_CHARS).collect();
            }
            break;
        }
        if !title.is_empty() {
            title.push(' ');
        }
        title.push_str(word);
    }
    (!title.is_empty()).then_some(title)
}

/// A valid update. `status` and `declineMessage` are the admins' (moderation).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VlogChanges {
    fields: VlogFields,
    status: Option<VlogStatus>,
    decline_message: Option<String>,
}

impl VlogChanges {
    /// Errors: `Invalid` naming the field (a blank title included).
    pub fn new(
        fields: VlogFields,
        status: Option<VlogStatus>,
        decline_message: Option<String>,
    ) -> Result<Self, BlogError> {
        Ok(Self {
            fields: fields.validated()?,
            status,
            decline_message: bounded("declineMessage", decline_message, 0, MAX_TEXT)?,
        })
    }

    pub fn fields(&self) -> &VlogFields {
        &self.fields
    }

    pub fn status(&self) -> Option<VlogStatus> {
        self.status
    }

    pub fn decline_message(&self) -> Option<&str> {
        self.decline_message.as_deref()
    }

    pub(crate) fn moderates(&self) -> bool {
        self.status.is_some() || self.decline_message.is_some()
    }

    pub(crate) fn touches_content(&self) -> bool {
        self.fields.touches_content()
    }
}
