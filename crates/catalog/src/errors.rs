use alpha_kernel::RepoError;

/// Which kind of catalog row an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Brand,
    Model,
    Category,
    Banner,
    Plan,
    Photo,
}

impl Entity {
    pub fn name(self) -> &'static str {
        match self {
            Self::Brand => "Brand",
            Self::Model => "Model",
            Self::Category => "Category",
            Self::Banner => "Banner",
            Self::Plan => "Subscription",
            Self::Photo => "Photo",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("{} Not Found", .0.name())]
    NotFound(Entity),
    /// A required field is missing or a value is out of range; names the field.
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    /// Priorities of categories (and of plans) are unique.
    #[error("priority {0} is already taken")]
    PriorityTaken(i32),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

impl CatalogError {
    pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            reason: reason.into(),
        }
    }
}
