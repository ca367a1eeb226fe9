use std::fmt;
use std::path::PathBuf;

/// Why a seed run failed.
///
/// File and content errors carry the underlying message in their own text (not as a `source`),
/// because the operator running `seed` needs the path *and* the line/column in one line. Database
/// errors keep the driver error as `source` so the full chain gets logged.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("catalogue file {} not found", path.display())]
    FileNotFound { path: PathBuf },

    #[error("cannot read catalogue file {}: {reason}", path.display())]
    FileUnreadable {
        path: PathBuf,
        reason: std::io::Error,
    },

    #[error("catalogue file {} is not valid catalogue JSON: {reason}", path.display())]
    InvalidJson {
        path: PathBuf,
        reason: serde_json::Error,
    },

    /// `origin` is the file path, or "built-in catalogue".
    #[error("catalogue {origin} is invalid: {problem}")]
    InvalidContent {
        origin: String,
        problem: ContentError,
    },

    /// Demo posts need the brand/model catalogue, which `seed` loads first.
    #[error("no car model with a brand is seeded: load the catalogue before demo posts")]
    NoModels,

    #[error("database error while {step}")]
    Database {
        step: &'static str,
        #[source]
        source: diesel::result::Error,
    },
}

impl SeedError {
    pub(crate) fn database(step: &'static str) -> impl FnOnce(diesel::result::Error) -> Self {
        move |source| Self::Database { step, source }
    }
}

/// diesel-async's transaction needs this to report BEGIN/COMMIT failures; statements inside the
/// transaction use [`SeedError::database`] to say which step failed.
impl From<diesel::result::Error> for SeedError {
    fn from(source: diesel::result::Error) -> Self {
        Self::Database {
            step: "running the seed transaction",
            source,
        }
    }
}

/// A catalogue entry that cannot be turned into a row. Positions are 1-based, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentError {
    BadBrandSlug {
        brand: usize,
        slug: String,
        why: SlugProblem,
    },
    BadModelSlug {
        brand_slug: String,
        model: usize,
        slug: String,
        why: SlugProblem,
    },
    EmptyModelName {
        brand_slug: String,
        model_slug: String,
    },
}

/// What is wrong with a slug.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlugProblem {
    Empty,
    /// `:` separates the parts of the UUID name (`model:<brand>:<model>`), so allowing it would
    /// let two different (brand, model) pairs produce the same UUID.
    ContainsColon,
    /// Leading or trailing whitespace is almost certainly an editing mistake, and it would
    /// silently produce a different UUID than the clean slug.
    SurroundingWhitespace,
}

impl fmt::Display for SlugProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "is empty",
            Self::ContainsColon => "contains ':'",
            Self::SurroundingWhitespace => "has leading or trailing whitespace",
        })
    }
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadBrandSlug { brand, slug, why } => {
                write!(f, "brand #{brand}: categorySlug {slug:?} {why}")
            }
            Self::BadModelSlug {
                brand_slug,
                model,
                slug,
                why,
            } => write!(
                f,
                "brand {brand_slug:?}, model #{model}: categorySlug {slug:?} {why}"
            ),
            Self::EmptyModelName {
                brand_slug,
                model_slug,
            } => write!(
                f,
                "brand {brand_slug:?}, model {model_slug:?}: name is empty"
            ),
        }
    }
}

impl std::error::Error for ContentError {}
